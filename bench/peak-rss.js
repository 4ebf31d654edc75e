// Preloaded into a measured process: reports its peak resident memory (bytes) and its CPU time
// (user + system, microseconds) on exit, as JSON.
process.on("exit", () => {
  if (process.env.BENCH_RSS_FILE) {
    const usage = process.resourceUsage();
    require("fs").writeFileSync(
      process.env.BENCH_RSS_FILE,
      JSON.stringify({ rss: usage.maxRSS * 1024, cpu: usage.userCPUTime + usage.systemCPUTime }),
    );
  }
});
