// What the browser tests share: Chromium launched for them, and a log-in to
// the web client (sao) as a demo user, in Chinese and Guangdong's time.
import { chromium } from 'playwright-core';

export async function launch() {
    return chromium.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        args: [
            '--no-sandbox', '--disable-gpu', '--disable-quic',
            '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync',
        ],
    });
}

// Open the client at url on database, log in, and return the page and
// the list of the page's errors, filled as they come
export async function logIn(browser, url, database, login, password) {
    const context = await browser.newContext({
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
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
    return { page, errors };
}
