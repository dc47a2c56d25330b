// Benchmark worker: prints `loss=` and writes its own run time (from main() to exit, wall
// clock) to $SEXTANT_TRIAL_DIR/worker_time, so the benchmark can subtract exactly the time
// the worker itself ran and charge everything else (fork, exec, loading, bookkeeping) to the
// engine.
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <string>

static double now() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
  double start = now();
  double x = argc > 1 ? std::atof(argv[1]) : 0.5;
  std::printf("loss=%.6f\n", (x - 0.25) * (x - 0.25));
  std::fflush(stdout);
  if (const char* dir = std::getenv("SEXTANT_TRIAL_DIR")) {
    std::string path = std::string(dir) + "/worker_time";
    if (FILE* f = std::fopen(path.c_str(), "w")) {
      std::fprintf(f, "%.9f %.9f\n", start, now());
      std::fclose(f);
    }
  }
  return 0;
}
