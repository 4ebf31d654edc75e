// Preloaded into a measured process: reports its peak resident memory (bytes) on exit.
process.on("exit", () => {
  if (process.env.BENCH_RSS_FILE) {
    require("fs").writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS * 1024));
  }
});
