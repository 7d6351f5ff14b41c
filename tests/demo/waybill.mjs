// Browser journey: the carrier's dispatcher opens 联网售票 › 电子路单 in the
// web client (sao), sees yesterday's settled waybills of the demo and opens
// one: its number, state, headcount and hash check show in Chinese.
// Usage: node waybill.mjs URL DATABASE LOGIN PASSWORD SCREENSHOT NUMBER
import { launch, logIn } from './sao.mjs';

const [url, database, login, password, screenshot, number] =
    process.argv.slice(2);

const browser = await launch();
try {
    const { page, errors } = await logIn(
        browser, url, database, login, password);

    const menu = page.locator('#menu');
    await menu.getByText('联网售票', { exact: true }).first()
        .waitFor({ state: 'visible', timeout: 30000 });
    const waybills = menu.getByText('电子路单', { exact: true }).first();
    if (!await waybills.isVisible()) {
        await menu.getByText('联网售票', { exact: true }).first().click();
    }
    await waybills.waitFor({ state: 'visible', timeout: 30000 });
    await waybills.click();
    console.log('menu 电子路单 opened');
    // The list opens on the waybills to depart; settled ones are in 全部
    await page.locator('.tab-pane.active').getByText('全部', { exact: true })
        .first().click();

    // The list shows the waybill; a double click opens its form
    const row = page.locator('.tab-pane.active table tbody tr')
        .filter({ hasText: number }).first();
    await row.waitFor({ state: 'visible', timeout: 30000 });
    for (const text of ['已结算', '粤A12345']) {
        if (!(await row.textContent()).includes(text)) {
            throw new Error(`the row of ${number} does not show ${text}`);
        }
    }
    console.log(`row ${number} shown`);
    await row.dblclick();
    const form = page.locator('.tab-pane.active .form');
    await form.first().waitFor({ state: 'visible', timeout: 30000 });
    // The passengers by destination and ticket type, then the departure
    const tab = page.locator('.tab-pane.active');
    await tab.getByText('肇庆汽车客运总站').first()
        .waitFor({ state: 'visible', timeout: 30000 });
    await page.screenshot({ path: screenshot, fullPage: true });
    await tab.getByText('检票与发车', { exact: true }).first().click();
    await tab.getByText('哈希校验通过').first()
        .waitFor({ state: 'visible', timeout: 30000 });
    // The form is the waybill's: a field of it holds the number
    const shown = await tab.locator('input').evaluateAll(
        (inputs, wanted) => inputs.some((input) => input.value === wanted),
        number);
    if (!shown) {
        throw new Error(`the form does not show the waybill ${number}`);
    }
    console.log('form opened');
    console.log(`screenshot ${screenshot}`);
    if (errors.length) {
        throw new Error(`page errors: ${errors.join('; ')}`);
    }
} finally {
    await browser.close();
}
