// Swapping versions under load: threads infer over keep-alive connections while versions are
// loaded one after another; no request fails and every answer comes from one whole version.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "serving/model/model_loader.hpp"
#include "tests/serving/server_fixture.hpp"

using namespace sextant;
using namespace sextant::serving;
using namespace sextant::testing;
using nlohmann::json;

TEST_CASE("swap: versions change under load with zero failed requests, each answer whole") {
  ServerFixture s;
  constexpr int kVersions = 12;
  // Version v answers v in each of its 64 outputs; a half-swapped model would mix numbers or
  // disagree with the version it reports.
  for (int v = 1; v <= kVersions; ++v)
    write_json(s.version_dir("m", v) / "sextant-mlp.json", constant_mlp(v, 64));
  s.service->load("m", 1);

  std::atomic<bool> done{false};
  std::atomic<int> requests{0}, failures{0}, torn{0};
  std::atomic<int> last_seen{0};
  std::string body =
      json{{"inputs", {{{"name", "x"}, {"shape", {1, 2}}, {"datatype", "FP32"}, {"data", {0, 0}}}}}}
          .dump();
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&] {
      auto c = s.client();
      while (!done) {
        try {
          auto reply = c.request("POST", "/v2/models/m/infer", body);
          ++requests;
          if (reply.status != 200) {
            ++failures;
            continue;
          }
          auto r = json::parse(reply.body);
          int version = std::stoi(r["model_version"].get<std::string>());
          for (const auto& value : r["outputs"][0]["data"])
            if (value.get<double>() != version) ++torn;
          last_seen = version;
        } catch (...) {
          ++failures;
        }
      }
    });
  }
  for (int v = 2; v <= kVersions; ++v) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    s.service->load("m", v);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  done = true;
  for (auto& t : clients) t.join();
  INFO(requests << " requests");
  CHECK(requests > 100);
  CHECK(failures == 0);
  CHECK(torn == 0);
  CHECK(last_seen == kVersions);
}

TEST_CASE("swap: a request holds its version while the table moves on") {
  ModelTable table;
  TempDir dir;
  write_json(dir / "a" / "sextant-mlp.json", constant_mlp(1));
  write_json(dir / "b" / "sextant-mlp.json", constant_mlp(2));
  table.put(std::make_shared<LoadedModel>(LoadedModel{"m", 1, serving::load_model(dir / "a")}));
  auto held = table.find("m");
  auto replaced =
      table.put(std::make_shared<LoadedModel>(LoadedModel{"m", 2, serving::load_model(dir / "b")}));
  CHECK(replaced.get() == held.get());
  CHECK(table.find("m")->version == 2);
  // The held version still answers with its own numbers after being replaced and removed.
  table.remove("m");
  auto out = held->model->predict({"x", DataType::kFp32, {1, 2}, {0, 0}, {}});
  CHECK(out[0].numbers == std::vector<double>{1, 1});
  CHECK(table.find("m") == nullptr);
}
