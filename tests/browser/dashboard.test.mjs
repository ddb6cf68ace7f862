// The dashboard in Debian's chromium, driven by playwright-core. Started by
// test_dashboard.py, which prepares the data and passes it in the environment:
//   FERRY_URL, FERRY_KEY, SLOW_MIGRATION (a running re_extract), SLOW_RESOURCES (its
//   resources → tier), FAILED_MIGRATION (completed with 2 failed items whose cause is
//   gone), CHROMIUM, ARTIFACTS (screenshot folder).
// Waiting is Playwright's auto-waiting and waitForFunction with timeouts; no fixed sleeps.
import assert from "node:assert/strict";
import path from "node:path";
import { chromium } from "playwright-core";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const URL = env("FERRY_URL");
const KEY = env("FERRY_KEY");
const SLOW = env("SLOW_MIGRATION");
const SLOW_RESOURCES = JSON.parse(env("SLOW_RESOURCES"));
const FAILED = env("FAILED_MIGRATION");
const ARTIFACTS = env("ARTIFACTS");
const WAIT = { timeout: 120_000 };

const problems = [];
let expect401 = false; // the browser logs the 401s of the wrong-key step
const shots = [];

async function shot(page, name, target) {
  const file = path.join(ARTIFACTS, name + ".png");
  await (target || page).screenshot({ path: file, ...(target ? {} : { fullPage: true }) });
  shots.push(file);
}

function step(name) {
  console.log(`[browser] ${new Date().toISOString()} ${name}`);
}

// A stage's bar value and item count, read together (the page re-renders on every event).
const readStage = (page, stage) => page.evaluate((name) => {
  const li = document.querySelector(`li[data-stage="${name}"]`);
  return { value: Number(li.querySelector('[role="progressbar"]').getAttribute("aria-valuenow")),
    items: Number(li.dataset.completed) };
}, stage);

async function signIn(page) {
  step("sign in");
  await page.goto(URL + "/ui/");
  await page.fill("#api-key", KEY);
  await page.click("#sign-in-form button[type=submit]");
  await page.waitForSelector("#migrations tbody tr[data-migration-id]", WAIT);
  assert.equal(await page.evaluate(() => sessionStorage.getItem("ferry.apiKey")), KEY);
  assert.equal(await page.evaluate(() => localStorage.length), 0, "nothing in localStorage");
  assert.ok(!page.url().includes(KEY), "the key is not in the URL");
  await page.waitForSelector(`#migrations tr[data-migration-id="${SLOW}"]`, WAIT);
  // The list refreshes itself: the running migration's bar grows without a reload.
  const listBar = `#migrations tr[data-migration-id="${SLOW}"] [role="progressbar"]`;
  const before = Number(await page.locator(listBar).getAttribute("aria-valuenow"));
  await page.waitForFunction(([sel, v]) => Number(document.querySelector(sel).getAttribute("aria-valuenow")) > v,
    [listBar, before], WAIT);
  await shot(page, "01-migrations");
}

async function watchStagesAdvance(page) {
  step("watch the running re_extract's stage bars advance");
  await page.click(`#migrations a[href="#/migrations/${SLOW}"]`);
  await page.waitForFunction(() => {
    const b = document.querySelector('li[data-stage="batch_processing"] [role="progressbar"]');
    const v = b && Number(b.getAttribute("aria-valuenow"));
    return v > 0 && v < 100;
  }, null, WAIT);
  const { value: first, items: firstItems } = await readStage(page, "batch_processing");
  await page.waitForFunction((before) => {
    const b = document.querySelector('li[data-stage="batch_processing"] [role="progressbar"]');
    return Number(b.getAttribute("aria-valuenow")) > before;
  }, first, WAIT);
  const { value: second, items: secondItems } = await readStage(page, "batch_processing");
  assert.ok(second > first && secondItems > firstItems,
    `bar grew: ${first}% (${firstItems} items) → ${second}% (${secondItems} items)`);
  assert.equal((await readStage(page, "namespace_setup")).value, 100, "earlier stages are full");
  assert.equal(await page.locator("ol.stages > li").count(), 7, "the seven stages");
  assert.ok(await page.locator("#cancel").isVisible(), "a running migration can be cancelled");
  assert.ok(!(await page.locator("#start").isVisible()), "only a draft has a Start button");
  const mode = await page.locator("#live-mode").getAttribute("data-mode");
  console.log(`[browser] batch_processing ${first}% (${firstItems} items) → ${second}% (${secondItems} items), ` +
    `live mode: ${mode}`);
  assert.equal(mode, "stream", "updates come from the server's event stream, not polling");
  await shot(page, "02-migration-running");
}

async function checkGraph(page) {
  step("open the dependency graph");
  await page.waitForFunction((n) => document.querySelectorAll("#graph g.node").length === n,
    Object.keys(SLOW_RESOURCES).length, WAIT);
  await page.locator("#graph").scrollIntoViewIfNeeded();
  // Read in one go: nodes, their tiers and where they are drawn.
  const drawn = await page.evaluate(() => ({
    nodes: [...document.querySelectorAll("#graph g.node")].map((g) => ({
      id: g.dataset.resourceId, tier: Number(g.dataset.tier), x: g.getBoundingClientRect().x })),
    edges: document.querySelectorAll("#graph path.edge").length,
  }));
  const seen = Object.fromEntries(drawn.nodes.map((n) => [n.id, n.tier]));
  assert.deepEqual(seen, SLOW_RESOURCES, "one node per resource, in its tier");
  const xs = Object.fromEntries(drawn.nodes.map((n) => [n.tier, n.x]));
  assert.ok(xs[0] < xs[1], "tiers are columns, left to right");
  assert.equal(drawn.edges, 1, "the collection depends on its bucket");
  await shot(page, "03-graph", page.locator("#graph"));
}

async function createAndCancel(page) {
  step("create, validate and start a migration with the form");
  await page.click('#nav a[href="#/new"]');
  await page.waitForSelector("#source option", { state: "attached", ...WAIT });
  await page.selectOption("#source", { label: "slowsrc" });
  await page.check('#collections label:has-text("texts") input'); // the namespace's own resources
  await page.selectOption("#type", "re_extract");
  await page.check('#extractors input[data-name="fake_embed"][data-version="v2"]');
  await page.fill("#target-name", "cancel-me");
  await page.fill("#batch-size", "5");
  await page.fill("#workers", "1");
  await page.check("#force"); // its validation warns about the re-extraction's cost
  await page.click("#validate");
  await page.waitForSelector('#validation-result .validation[data-valid="true"]', WAIT);
  assert.equal(await page.locator("#validation-result svg.graph g.node").count(), 2, "validation shows the graph");
  await shot(page, "04-create-validated");
  await page.click("#create");
  await page.waitForSelector("#start:not([hidden])", WAIT);
  await page.click("#start");
  await page.waitForURL(/#\/migrations\/mig_/, WAIT);
  const id = decodeURIComponent(page.url().split("#/migrations/")[1]);
  assert.notEqual(id, SLOW);
  step(`cancel ${id} from its page`);
  page.once("dialog", (d) => d.accept());
  await page.click("#cancel");
  await page.waitForSelector('#migration-status [data-status="cancelled"]', WAIT);
  await page.waitForSelector("#cancel", { state: "hidden", ...WAIT });
  await shot(page, "05-cancelled");
  step("filter the list by status");
  await page.click('#nav a[href="#/migrations"]');
  await page.selectOption("#status", "cancelled");
  await page.waitForFunction((want) => {
    const rows = [...document.querySelectorAll("#migrations tbody tr[data-migration-id]")];
    return rows.length === 1 && rows[0].dataset.migrationId === want && rows[0].dataset.status === "cancelled";
  }, id, WAIT);
  await page.selectOption("#status", "in_progress");
  await page.waitForSelector(`#migrations tr[data-migration-id="${SLOW}"]`, WAIT);
  assert.equal(await page.locator(`#migrations tr[data-migration-id="${id}"]`).count(), 0);
  return id;
}

async function retryFailedItems(page) {
  step("retry the failed items of a completed migration");
  await page.goto(URL + "/ui/#/migrations/" + FAILED);
  await page.waitForFunction(() => document.querySelectorAll("#failed-items tbody tr").length === 2, null, WAIT);
  const before = await page.locator("#failed-items tbody tr").evaluateAll((rows) => rows.map((r) => r.dataset.itemId));
  await page.waitForSelector("#retry:not([disabled])", WAIT);
  // The verification (counts and checksums per resource) and the benchmark, side by side.
  const verified = page.locator("#verification .verification[data-ok=true] tbody tr");
  assert.ok(await verified.count() >= 2, "a verification row per resource");
  for (const cells of await verified.evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)))) {
    assert.equal(cells[3], cells[4], "source and target counts match");
    assert.match(cells[5], /^[0-9a-f]{12}…$/, "a checksum");
    assert.equal(cells[7], "✓");
  }
  const bench = page.locator("#benchmark .benchmark table.side-by-side");
  assert.equal(await bench.count(), 1, "one benchmarked retriever");
  const metrics = await bench.locator("tbody tr").evaluateAll((rows) =>
    Object.fromEntries(rows.map((r) => [r.cells[0].textContent, [...r.cells].slice(1).map((c) => c.textContent)])));
  for (const name of ["NDCG@10", "MRR", "p50 latency (ms)"]) {
    assert.equal(metrics[name].length, 2, `${name}: source and target`);
    assert.match(metrics[name][0], /^\d/, `${name} source is a number`);
    assert.match(metrics[name][1], /^\d/, `${name} target is a number`);
  }
  assert.match(metrics["overlap@10"][0], /^\d/);
  assert.equal(await page.locator("#graph g.node").count(), 3, "bucket, collection, retriever");
  assert.ok(!(await page.locator("#cancel").isVisible()), "an ended migration has no Cancel");
  await shot(page, "06-failed-items");
  await page.click("#retry");
  await page.waitForSelector("#retry-accepted", WAIT);
  assert.match(await page.locator("#retry-accepted").textContent(), /2/);
  // The retry re-runs both items; their cause is gone, so the list empties.
  await page.waitForSelector("#no-failed-items", WAIT);
  await page.waitForSelector('#migration-status [data-status="completed"]', WAIT);
  console.log(`[browser] retried ${before.join(", ")}: none left failed`);
  await shot(page, "07-retried");
}

async function phoneLayout(page) {
  step("phone-sized layout");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(URL + "/ui/#/migrations/" + SLOW);
  await page.waitForSelector("#graph svg.graph", WAIT);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no sideways scrolling of the page (overflow ${overflow}px)`);
  await shot(page, "08-phone");
}

async function signOut(page) {
  step("sign out");
  await page.click("#sign-out");
  await page.waitForSelector("#sign-in-form", WAIT);
  assert.equal(await page.evaluate(() => sessionStorage.getItem("ferry.apiKey")), null);
  step("a wrong key is refused; a key that stops working signs out");
  expect401 = true;
  await page.fill("#api-key", "sk_not_a_key");
  await page.click("#sign-in-form button[type=submit]");
  await page.waitForSelector('#sign-in-form [role="alert"]:has-text("not accepted")', WAIT);
  assert.equal(await page.evaluate(() => sessionStorage.getItem("ferry.apiKey")), null);
  await page.evaluate(() => sessionStorage.setItem("ferry.apiKey", "sk_revoked_key"));
  await page.goto(URL + "/ui/#/migrations");
  await page.waitForSelector('#sign-in-form [role="alert"]:has-text("no longer accepted")', WAIT);
  assert.equal(await page.evaluate(() => sessionStorage.getItem("ferry.apiKey")), null);
  await shot(page, "09-signed-out");
}

const browser = await chromium.launch({
  executablePath: env("CHROMIUM"),
  headless: true,
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("console", (m) => {
    // A 404 of the event stream (a server without it) is the expected fallback to polling.
    const text = m.text() + (m.location().url || "");
    if (m.type() === "error" && !/\/events\b|404/.test(text) && !(expect401 && /401/.test(text))) {
      problems.push("console error: " + m.text());
    }
  });
  await signIn(page);
  await watchStagesAdvance(page);
  await checkGraph(page);
  await createAndCancel(page);
  await retryFailedItems(page);
  await phoneLayout(page);
  await signOut(page);
  assert.deepEqual(problems, [], "no script errors or CSP violations");
} catch (e) {
  failed = true;
  console.error(e);
  console.error("problems seen in the page:", problems);
  for (const p of browser.contexts().flatMap((c) => c.pages())) {
    await shot(p, "zz-failure").catch(() => {});
  }
} finally {
  await browser.close();
  for (const s of shots) console.log("[browser] screenshot: " + s);
}
process.exit(failed ? 1 : 0);
