// Browser smoke test: log in to the web client (sao) as a demo user and
// check that the menu of the three modules shows in Chinese.
// Usage: node smoke.mjs URL DATABASE LOGIN PASSWORD SCREENSHOT MENU...
import { chromium } from 'playwright-core';

const [url, database, login, password, screenshot, ...menus] =
    process.argv.slice(2);

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update',
        '--disable-sync',
    ],
});
try {
    const context = await browser.newContext({
        locale: 'zh-CN',
        viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${url}#${database}`);
    // sao asks for the login, then for the password, in two dialogs
    await page.locator('#login').fill(login);
    await page.locator('.login-dialog button[type=submit]').click();
    const passwordInput = page.locator('.modal input[type=password]');
    await passwordInput.waitFor({ state: 'visible', timeout: 30000 });
    await passwordInput.fill(password);
    await passwordInput.press('Enter');

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
