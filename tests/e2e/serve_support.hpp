// A `sextant serve` that an e2e test starts on a free loopback port, answering once constructed.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "engine/error.hpp"
#include "serving/http/http_client.hpp"
#include "tests/e2e/free_port.hpp"
#include "tests/e2e/process.hpp"
#include "tests/e2e/run_support.hpp"

namespace sextant::testing {

// `sextant serve` listens only once it has loaded the production models, so a ServeProcess
// serves them from the start.
struct ServeProcess {
  explicit ServeProcess(const std::string& db, uint16_t port = free_port())
      : port(port),
        url("http://127.0.0.1:" + std::to_string(port)),
        process({sextant_binary(), "--db", db, "serve", "--listen",
                 "127.0.0.1:" + std::to_string(port)}),
        client(serving::parse_http_url(url), std::chrono::seconds(5)) {
    bool up = false;
    for (int i = 0; i < 100 && !up; ++i) {
      try {
        up = client.request("GET", "/v2/health/ready").status == 200;
      } catch (const Error&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    REQUIRE(up);
  }

  uint16_t port;
  std::string url;
  Process process;
  serving::HttpConnection client;
};

}  // namespace sextant::testing
