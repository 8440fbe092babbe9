// Render every math span of a Markdown document (read from stdin) with KaTeX in strict mode.
// Prints one line per failure and exits 1 if there is any. KaTeX is found through NODE_PATH.
const katex = require("katex");
const text = require("fs").readFileSync(0, "utf8");
const failures = [];
const check = (math, displayMode) => {
  try {
    katex.renderToString(math, { displayMode, strict: "error", throwOnError: true });
  } catch (error) {
    failures.push(`${error.message}\n  in: ${math.slice(0, 200)}`);
  }
};
const display = /^\$\$\n([\s\S]*?)\n\$\$$/gm;
for (const match of text.matchAll(display)) check(match[1], true);
const prose = text.replace(display, "");
for (const match of prose.matchAll(/\$([^$\n]+)\$/g)) check(match[1], false);
if (failures.length) {
  console.log(failures.join("\n"));
  process.exit(1);
}
console.log("ok");
