// The playground in headless Chromium, as a new user meets it: the page
// loads an example and shows its verdicts; an error typed into the charter
// is underlined and listed; fixing it brings the verdicts back; a shared link
// restores the charter; no console errors. A screenshot is saved.
//
//   node playground/test/browser.mjs SITE_DIR SCREENSHOT.png
//
// SITE_DIR is `playground/build.sh`'s output, served here by a static file
// server on a free local port. Chromium is Debian's (/usr/bin/chromium, or
// $CHROMIUM), driven by playwright-core (no browser download).
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { chromium } from "playwright-core";

const [site, screenshot] = process.argv.slice(2);
if (!site || !screenshot) {
  console.error("usage: node browser.mjs SITE_DIR SCREENSHOT.png");
  process.exit(2);
}
const types = {
  ".html": "text/html", ".js": "text/javascript", ".css": "text/css",
  ".wasm": "application/wasm", ".json": "application/json", ".polity": "text/plain",
};
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
  const file = join(site, path.endsWith("/") ? path + "index.html" : path);
  try {
    const body = readFileSync(file);
    res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const url = `http://127.0.0.1:${server.address().port}/`;

const profile = mkdtempSync(join(tmpdir(), "polity-playground-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const problems = [];
let failed = false;
const check = (ok, what) => {
  console.log(`${ok ? "ok" : "FAILED"}: ${what}`);
  if (!ok) failed = true;
};
try {
  const page = await browser.newPage();
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(url);
  const verdicts = page.locator("#verdicts .law");
  await verdicts.first().waitFor({ timeout: 30000 });
  check((await verdicts.count()) > 0, "the example's verdicts appear");
  check((await page.locator("#charter-view .keyword, #charter-view .storage").count()) > 0, "the charter is highlighted");
  const original = await page.inputValue("#charter");

  // an error: a name that does not exist
  const broken = original.replace(/require "([^"]*)":\s*/, 'require "$1": no_such_name and ');
  check(broken !== original, "the charter has a requirement to break");
  await page.fill("#charter", broken);
  await page.locator("#diagnostics li.error").first().waitFor({ timeout: 10000 });
  const diag = await page.locator("#diagnostics li.error").first().textContent();
  check(/E\d{4}/.test(diag) && diag.includes("no_such_name"), `a diagnostic appears: ${diag.split("\n")[0]}`);
  const underlined = await page.locator("#charter-view .diag").first().textContent();
  check(underlined.includes("no_such_name"), `the error is underlined: "${underlined}"`);
  check((await verdicts.count()) === 0, "no verdicts while the charter does not compile");

  // fixed: the verdicts come back
  await page.fill("#charter", original);
  await verdicts.first().waitFor({ timeout: 10000 });
  check((await page.locator("#diagnostics li.error").count()) === 0, "the diagnostic is gone");
  check((await page.locator("#verdicts .verdict.fail").count()) > 0, "failing subjects are listed");
  check((await page.locator("#verdicts .reasons").count()) > 0, "with their reasons");

  // the other example, then a shared link to it
  await page.selectOption("#example", "tidewater");
  await page.waitForFunction(() => document.querySelector("#charter").value.includes("Tidewater"), null, { timeout: 10000 });
  await page.click("#share");
  await page.waitForFunction(() => location.hash.startsWith("#s="), null, { timeout: 10000 });
  const link = page.url();
  const tidewater = await page.inputValue("#charter");
  const other = await browser.newPage();
  other.on("pageerror", (e) => problems.push(String(e)));
  await other.goto(link);
  await other.locator("#verdicts .law").first().waitFor({ timeout: 30000 });
  check((await other.inputValue("#charter")) === tidewater, "a shared link restores the charter");

  await page.screenshot({ path: screenshot });
  check(statSync(screenshot).size > 10000, `a screenshot is saved (${statSync(screenshot).size} bytes)`);
  check(problems.length === 0, `no console errors${problems.length ? ": " + problems.join("; ") : ""}`);
} finally {
  await browser.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
