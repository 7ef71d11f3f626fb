// Lays out a claimtrack HTML report in headless Chromium at true viewport widths and says
// what does not fit: a page that scrolls sideways, an element reaching past the viewport,
// or a box whose text overflows it. Driven by tests/cli/page.rs; by hand:
//   node tests/page/layout.js report.html 360,420,1400 [--screenshots DIR]
// Needs playwright-core (NODE_PATH) and Chromium (CLAIMTRACK_CHROMIUM, else /usr/bin/chromium).
// Prints one JSON object {width: [problems]} and exits 1 when any width has a problem.
const { chromium } = require('playwright-core');
const path = require('path');

async function main() {
  const [file, widthList, flag, shots] = process.argv.slice(2);
  const widths = widthList.split(',').map(Number);
  const browser = await chromium.launch({
    executablePath: process.env.CLAIMTRACK_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  const found = {};
  let bad = false;
  for (const width of widths) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto('file://' + path.resolve(file));
    found[width] = await page.evaluate(() => {
      const problems = [];
      const vw = document.documentElement.clientWidth;
      const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
      // Each problem once, at the outermost element that has it.
      const said = new Set();
      const say = (el, what) => {
        for (let up = el.parentElement; up; up = up.parentElement) if (said.has(up)) return;
        said.add(el);
        problems.push(`${name(el)}: ${what}: ${(el.textContent || '').trim().slice(0, 60)}`);
      };
      if (document.documentElement.scrollWidth > vw) {
        problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth}px wide in ${vw}px`);
      }
      for (const el of document.body.querySelectorAll('*')) {
        const style = getComputedStyle(el);
        const rect = el.getBoundingClientRect();
        if (rect.width === 0 || rect.height === 0 || style.visibility === 'hidden') continue;
        if (el.closest('.vh') || el.closest('title')) continue;
        if (style.overflowX === 'auto' || style.overflowX === 'scroll') {
          if (el.scrollWidth > el.clientWidth + 1) say(el, `scrolls sideways (${el.scrollWidth}px in ${el.clientWidth}px)`);
        }
        if (rect.right > vw + 0.5 || rect.left < -0.5) {
          say(el, `reaches past the viewport (${Math.round(rect.left)}..${Math.round(rect.right)} of ${vw})`);
        }
        const boxed = !style.display.startsWith('inline') && !(el instanceof SVGElement);
        if (boxed && el.scrollWidth > el.clientWidth + 1 && style.overflowX === 'visible') {
          say(el, `text overflows its box (${el.scrollWidth}px in ${el.clientWidth}px)`);
        }
      }
      return problems;
    });
    if (found[width].length) bad = true;
    if (flag === '--screenshots') {
      await page.screenshot({ path: path.join(shots, `${path.basename(file, '.html')}-${width}.png`), fullPage: true });
    }
    await page.close();
  }
  await browser.close();
  console.log(JSON.stringify(found, null, 1));
  process.exit(bad ? 1 : 0);
}

main().catch((e) => { console.error(String(e)); process.exit(2); });
