// Preloaded (`node --require`) into a benchmarked child: on exit, writes the process's peak
// resident set size (bytes) and its CPU time (user + system, ms) as JSON to the file named by
// BENCH_RSS_FILE.
const fs = require('node:fs');
process.on('exit', () => {
  const file = process.env.BENCH_RSS_FILE;
  if (!file) return;
  const u = process.resourceUsage();
  fs.writeFileSync(file, JSON.stringify({ rss: u.maxRSS * 1024, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }));
});
