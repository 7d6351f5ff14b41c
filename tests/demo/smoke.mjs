// Browser smoke test: log in to the web client (sao) as a demo user and
// check that the menu of the three modules shows in Chinese.
// Usage: node smoke.mjs URL DATABASE LOGIN PASSWORD SCREENSHOT MENU...
import { launch, logIn } from './sao.mjs';

const [url, database, login, password, screenshot, ...menus] =
    process.argv.slice(2);

const browser = await launch();
try {
    const { page, errors } = await logIn(
        browser, url, database, login, password);

    for (const menu of menus) {
        await page.locator('#menu').getByText(menu, { exact: true })
            .first().waitFor({ state: 'visible', timeout: 30000 });
        console.log(`menu "${menu}" shown`);
    }
    const title = await page.locator('#title').textContent();
    if (title.trim() !== '广东省标准化站务云') {
        throw new Error(`the title is "${title}", not the project's`);
    }
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot ${screenshot}`);
    if (errors.length) {
        throw new Error(`page errors: ${errors.join('; ')}`);
    }
} finally {
    await browser.close();
}
