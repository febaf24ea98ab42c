// First load of the web client for a big workspace (`bench/web.sh`, see docs/benchmarks.md):
// 1,000 channels the person belongs to and 10,000 users, made with `parley admin seed`.
// Each run opens a fresh browser context (empty cache and storage, already signed in) on `/`
// and reads Chromium's performance timings: navigation start to the moment the sidebar and the
// first conversation's messages are on screen (the client's `parley:usable` mark). Prints the
// median of BENCH_RUNS runs and the gzip size of the JavaScript bundle.
//
// Environment: PARLEY_BIN (default build/default/parley), BENCH_RUNS (default 7),
// BENCH_USERS (10000), BENCH_CHANNELS (1000), PARLEY_CHROMIUM (/usr/bin/chromium).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { ParleyServer } from "../tests/lib/server.mjs";

// playwright-core is installed with the web client's packages (web/node_modules).
const { chromium } = createRequire(
  new URL("../web/package.json", import.meta.url),
)("playwright-core");
const ROOT = new URL("..", import.meta.url).pathname;
const PARLEY_BIN = process.env.PARLEY_BIN ?? join(ROOT, "build/default/parley");
const WEB_ROOT = join(ROOT, "web/dist");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const USERS = Number(process.env.BENCH_USERS ?? 10000);
const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 1000);
const PASSWORD = "benchmark passphrase";

function admin(dataDir, ...args) {
  const out = execFileSync(
    PARLEY_BIN,
    ["admin", "--data", dataDir, "--json", ...args],
    {
      encoding: "utf8",
      maxBuffer: 64 << 20,
    },
  );
  return JSON.parse(out.trim().split("\n").pop());
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function bundleGzipBytes() {
  const assets = join(WEB_ROOT, "assets");
  return readdirSync(assets)
    .filter((name) => name.endsWith(".js.gz"))
    .reduce((sum, name) => sum + statSync(join(assets, name)).size, 0);
}

async function seed(dataDir) {
  const started = Date.now();
  const owner = admin(
    dataDir,
    "create-workspace",
    "--name",
    "Bench",
    "--email",
    "owner@bench.test",
    "--password",
    PASSWORD,
  );
  admin(
    dataDir,
    "seed",
    "--team",
    owner.team_id,
    "--users",
    String(USERS),
    "--password",
    PASSWORD,
    "--channels",
    String(CHANNELS),
    "--members-per-channel",
    "5",
  );
  console.log(
    `seeded ${USERS} users and ${CHANNELS} channels in ${Date.now() - started} ms`,
  );
  return owner;
}

async function measureOnce(browser, server, owner) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
  });
  const session = {
    token: owner.token,
    user_id: owner.user_id,
    team_id: owner.team_id,
  };
  await context.addInitScript((saved) => {
    localStorage.setItem("parley.session", JSON.stringify(saved));
    // Long tasks (over 50 ms of main-thread work) show where the time goes.
    window.__longTasks = [];
    new PerformanceObserver((list) =>
      window.__longTasks.push(...list.getEntries()),
    ).observe({
      type: "longtask",
      buffered: true,
    });
  }, session);
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.waitForFunction(
    () => performance.getEntriesByName("parley:usable").length > 0,
    null,
    {
      timeout: 30_000,
    },
  );
  const timings = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    return {
      usable_ms: performance.getEntriesByName("parley:usable")[0].startTime,
      dom_content_loaded_ms: nav.domContentLoadedEventEnd,
      load_ms: nav.loadEventEnd,
      sidebar_items: document.querySelectorAll(".sidebar-item").length,
      long_tasks: window.__longTasks
        .filter(
          (t) =>
            t.startTime <
            performance.getEntriesByName("parley:usable")[0].startTime,
        )
        .map((t) => `${t.startTime.toFixed(0)}+${t.duration.toFixed(0)}`)
        .join(" "),
      // When each Web API call of the first screen started and how long it took.
      calls: performance
        .getEntriesByType("resource")
        .filter((entry) => entry.name.includes("/api/"))
        .map((entry) => {
          const method = entry.name.split("/api/")[1];
          return `${method}@${entry.startTime.toFixed(0)}+${entry.duration.toFixed(0)}`;
        })
        .slice(0, 6)
        .join(" "),
    };
  });
  await context.close();
  return timings;
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), "parley-web-bench-"));
  const server = new ParleyServer({
    dataDir,
    extraArgs: ["--web-root", WEB_ROOT],
  });
  let browser;
  try {
    const owner = await seed(dataDir);
    await server.start();
    const general = (
      await server.api("conversations.list", owner.token, { limit: 1000 })
    ).channels.find((c) => c.is_general);
    for (let i = 0; i < 50; i++) {
      await server.api("chat.postMessage", owner.token, {
        channel: general.id,
        text: `msg ${i}`,
      });
    }

    browser = await chromium.launch({
      executablePath: process.env.PARLEY_CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    await measureOnce(browser, server, owner); // Warm-up: the server's caches, not measured.
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const run = await measureOnce(browser, server, owner);
      console.log(
        `  run ${i + 1}: usable ${run.usable_ms.toFixed(0)} ms, DOMContentLoaded ` +
          `${run.dom_content_loaded_ms.toFixed(0)} ms, sidebar rows drawn ${run.sidebar_items}; ` +
          `${run.calls}; long tasks ${run.long_tasks}`,
      );
      runs.push(run);
    }
    const gzipKiB = bundleGzipBytes() / 1024;
    console.log(
      `web first load (${CHANNELS} channels, ${USERS} users), median of ${RUNS}: ` +
        `usable ${median(runs.map((r) => r.usable_ms)).toFixed(0)} ms, DOMContentLoaded ` +
        `${median(runs.map((r) => r.dom_content_loaded_ms)).toFixed(0)} ms; ` +
        `JavaScript ${gzipKiB.toFixed(1)} KiB gzipped; load average ` +
        `${(await import("node:os"))
          .loadavg()
          .map((x) => x.toFixed(2))
          .join(" ")}`,
    );
  } finally {
    await browser?.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
