// Writes a gzip copy next to every built asset, so `parley serve` can send it with
// `Content-Encoding: gzip` to browsers that accept it. Node's zlib is all this needs.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const compressible = /\.(js|css|html|svg|json|txt|map)$/;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

let total = 0;
for (const path of files(dist)) {
  if (!compressible.test(path)) continue;
  const gz = gzipSync(readFileSync(path), { level: constants.Z_BEST_COMPRESSION });
  writeFileSync(`${path}.gz`, gz);
  if (path.endsWith('.js')) total += gz.length;
}
console.log(`compress: JavaScript is ${(total / 1024).toFixed(1)} KiB gzipped`);
