// InboxIT's browser: Debian's chromium, headless, at a phone's viewport, each person in a browser
// context of their own with a WebAuthn virtual authenticator (CTAP2, user verification on, presence
// given automatically), driven through the DevTools protocol.
// Argument: a JSON plan {inbox, width, screenshots: {dir}, people: [{principal, enrol, approve:
// [ids], deny: [{id, reason}], shoot}]}. Output: one JSON object of what the pages showed.
import puppeteer from "puppeteer-core";

const plan = JSON.parse(process.argv[2]);
const seen = { people: [] };
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});

async function person(p) {
  const mine = { principal: p.principal, steps: [] };
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: plan.width ?? 390, height: 844 });
  const cdp = await page.createCDPSession();
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  const status = async () => {
    await page.waitForFunction(
      () => {
        const s = document.getElementById("status")?.textContent ?? "";
        return s !== "" && !s.endsWith("...");
      },
      { timeout: 60000 });
    return page.$eval("#status", (e) => e.textContent);
  };
  const shoot = async (name) => {
    if (!p.shoot) return;
    for (const width of [390, 1280]) {
      await page.setViewport({ width, height: width < 600 ? 844 : 800 });
      await page.screenshot({ path: `${plan.screenshots}/inbox-${name}-${width}.png`, fullPage: true });
    }
    await page.setViewport({ width: plan.width ?? 390, height: 844 });
  };

  const enrolPage = await page.goto(p.enrol);
  mine.csp = enrolPage.headers()["content-security-policy"];
  await page.click("#enrol button");
  mine.enrolled = await status();
  mine.enrolAgain = (await page.goto(p.enrol)).status(); // the link works once

  await page.goto(plan.inbox);
  await page.type("#principal", p.principal);
  await Promise.all([page.waitForNavigation(), page.click("#login button")]);
  mine.list = await page.$eval("main", (e) => e.innerText);
  mine.listFits = await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);
  await shoot("list");

  for (const id of p.approve ?? []) {
    await page.goto(plan.inbox + "/requests/" + id);
    mine.steps.push({
      id,
      what: await page.$eval("#what", (e) => e.textContent),
      fits: await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth),
    });
    await shoot("request");
    await page.click("#approve");
    mine.steps.push({ id, status: await status() });
  }
  for (const d of p.deny ?? []) {
    await page.goto(plan.inbox + "/requests/" + d.id);
    await page.type("textarea[name=reason]", d.reason);
    await page.click("#deny");
    mine.steps.push({ id: d.id, status: await status() });
  }
  await page.goto(plan.inbox);
  mine.listAfter = await page.$eval("main", (e) => e.innerText);
  await context.close();
  return mine;
}

try {
  for (const p of plan.people) seen.people.push(await person(p));
} catch (err) {
  seen.error = String(err.stack ?? err);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(seen) + "\n");
