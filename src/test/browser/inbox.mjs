// InboxIT's browser: Debian's chromium, headless, with a WebAuthn virtual authenticator (CTAP2,
// user verification on, presence given automatically), driven through the DevTools protocol.
// Argument: a JSON plan {enrol, inbox, principal, approve: [ids], deny: [{id, reason}]}.
// Output: one JSON object of what the pages showed, for the Java test to check.
import puppeteer from "puppeteer-core";

const plan = JSON.parse(process.argv[2]);
const seen = { steps: [] };
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage();
  const cdp = await page.createCDPSession();
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: plan.userVerified ?? true,
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

  const enrolPage = await page.goto(plan.enrol);
  seen.csp = enrolPage.headers()["content-security-policy"];
  await page.click("#enrol button");
  seen.enrolled = await status();

  // The link works once.
  seen.enrolAgain = (await page.goto(plan.enrol)).status();

  await page.goto(plan.inbox);
  await page.type("#principal", plan.principal);
  await Promise.all([page.waitForNavigation(), page.click("#login button")]);
  seen.list = await page.$eval("main", (e) => e.innerText);

  for (const id of plan.approve ?? []) {
    await page.goto(plan.inbox + "/requests/" + id);
    seen.steps.push({ id, what: await page.$eval("#what", (e) => e.textContent) });
    await page.click("#approve");
    seen.steps.push({ id, status: await status() });
  }
  for (const d of plan.deny ?? []) {
    await page.goto(plan.inbox + "/requests/" + d.id);
    await page.type("textarea[name=reason]", d.reason);
    await page.click("#deny");
    seen.steps.push({ id: d.id, status: await status() });
  }
  await page.goto(plan.inbox);
  seen.listAfter = await page.$eval("main", (e) => e.innerText);
} catch (err) {
  seen.error = String(err.stack ?? err);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(seen) + "\n");
