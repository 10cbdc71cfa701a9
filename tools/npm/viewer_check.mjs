// Drives Debian's headless Chromium through the viewer as a user would: types a query into the
// search box, submits it, waits until every result card's stick figure has been drawn, prints what
// the page shows as JSON, and saves a screenshot. Used by tests/search/viewer_browser_slow_test.cpp.
//   node viewer_check.mjs <url> <query> <k> <screenshot.png> [chromium]
// stdout: {"status": "...", "query": "...", "columns": [{"run": "...", "ground_truth": "...",
//          "cards": [{"id": "...", "drawn": true, "inked": <pixels>}, ...]}, ...],
//          "runs": <panels>, "curves": <plots>, "clicked": {"status": "...", "cards": <n>},
//          "errors": [<page errors>]}; the screenshot is taken before the click.
import puppeteer from "puppeteer-core";

const [url, query, k, screenshot, executable = "/usr/bin/chromium"] = process.argv.slice(2);
if (!url || !query || !k || !screenshot) {
  console.error("usage: node viewer_check.mjs <url> <query> <k> <screenshot.png> [chromium]");
  process.exit(2);
}

const browser = await puppeteer.launch({
  executablePath: executable,
  headless: true,
  // No sandbox: CI runs as root in a container. Nothing outside 127.0.0.1 is contacted.
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-extensions", "--lang=ko-KR"],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  const errors = [];
  page.on("pageerror", e => errors.push(String(e)));
  await page.goto(url, { waitUntil: "networkidle0", timeout: 60000 });
  await page.click("#k", { clickCount: 3 });
  await page.type("#k", String(k));
  await page.type("#query", query);
  await page.keyboard.press("Enter");
  // Every column has k cards and every card's canvas has drawn at least one frame.
  await page.waitForFunction(wanted => {
    const columns = [...document.querySelectorAll("#results .column")];
    return columns.length > 0 && columns.every(c => {
      const canvases = [...c.querySelectorAll(".card canvas")];
      return canvases.length === wanted && canvases.every(x => x.dataset.drawn === "1");
    });
  }, { timeout: 60000 }, Number(k));
  const shown = await page.evaluate(() => ({
    status: document.getElementById("status").textContent,
    query: document.getElementById("query").value,
    columns: [...document.querySelectorAll("#results .column")].map(c => ({
      run: c.querySelector("h2").textContent,
      ground_truth: c.querySelector(".gt").textContent,
      cards: [...c.querySelectorAll(".card")].map(card => ({
        id: card.dataset.id,
        drawn: card.querySelector("canvas").dataset.drawn === "1",
        // A drawn canvas has non-blank pixels (the figure), not only the attribute.
        inked: (() => {
          const canvas = card.querySelector("canvas");
          const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
          let ink = 0;
          for (let i = 3; i < pixels.length; i += 4) ink += pixels[i] > 0;
          return ink;
        })(),
      })),
    })),
    runs: document.querySelectorAll("#runs .run").length,
    curves: document.querySelectorAll("#runs .run svg").length,
  }));
  await page.screenshot({ path: screenshot, fullPage: false });
  // Clicking a card searches motion to motion from it.
  const first = shown.columns[0].cards[0].id;
  await page.click(`#results .column[data-run="0"] .card[data-id="${first}"]`);
  await page.waitForFunction((id, wanted) => {
    const cards = [...document.querySelectorAll('#results .column[data-run="0"] .card canvas')];
    return document.getElementById("status").textContent === "motion → motion: " + id &&
      cards.length === wanted && cards.every(x => x.dataset.drawn === "1");
  }, { timeout: 60000 }, first, Number(k));
  shown.clicked = {
    status: await page.$eval("#status", e => e.textContent),
    cards: await page.$$eval('#results .column[data-run="0"] .card', cards => cards.length),
  };
  shown.errors = errors;
  console.log(JSON.stringify(shown));
} finally {
  await browser.close();
}
