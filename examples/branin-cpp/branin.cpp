// Branin-Hoo as a trial program: `branin --x1=V --x2=V [--epochs=N]` prints `loss=` lines.
// The global minimum is 0.397887 at (-pi, 12.275), (pi, 2.275) and (9.42478, 2.475).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

double branin(double x1, double x2) {
  const double pi = 3.14159265358979323846;
  const double a = 1, b = 5.1 / (4 * pi * pi), c = 5 / pi, r = 6, s = 10, t = 1 / (8 * pi);
  return a * std::pow(x2 - b * x1 * x1 + c * x1 - r, 2) + s * (1 - t) * std::cos(x1) + s;
}

bool read_flag(const char* arg, const char* name, double& out) {
  size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=') return false;
  char* end = nullptr;
  out = std::strtod(arg + n + 1, &end);
  if (*end != '\0') {
    std::fprintf(stderr, "branin: %s: not a number: %s\n", name, arg + n + 1);
    std::exit(2);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  double x1 = NAN, x2 = NAN, epochs = 1;
  for (int i = 1; i < argc; ++i) {
    if (!read_flag(argv[i], "--x1", x1) && !read_flag(argv[i], "--x2", x2) &&
        !read_flag(argv[i], "--epochs", epochs)) {
      std::fprintf(stderr, "usage: branin --x1=V --x2=V [--epochs=N]\n");
      return 2;
    }
  }
  if (std::isnan(x1) || std::isnan(x2)) {
    std::fprintf(stderr, "branin: --x1 and --x2 are required\n");
    return 2;
  }
  // With several epochs the value approaches the true one, like a learning curve would.
  double value = branin(x1, x2);
  int n = static_cast<int>(epochs);
  for (int e = 1; e < n; ++e) std::printf("epoch=%d loss=%.10g\n", e, value * (1 + 1.0 / e));
  std::printf("loss=%.10g\n", value);
  return 0;
}
