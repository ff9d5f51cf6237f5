// The ingestion floor of the CLI benchmark: the same maps as JSON, read, `JSON.parse`d, every
// field a `BigInt` (the permission kept as it is), and each domain's maps sorted by IOVA. Run as
// a child process like the CLI, so both pay Node's start-up.
//   node scripts/bench-floor.mjs MAPS.json
import * as fs from 'node:fs';

const data = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
let count = 0;
for (const d of data.domains) {
  const maps = d.maps.map((m) => ({ iova: BigInt(m.iova), pa: BigInt(m.pa), size: BigInt(m.size), perm: m.perm }));
  maps.sort((a, b) => (a.iova < b.iova ? -1 : a.iova > b.iova ? 1 : 0));
  count += maps.length;
}
process.stdout.write(`${count}\n`);
