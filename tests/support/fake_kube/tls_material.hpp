// Certificates for the fake API server, generated at startup with the OpenSSL API.
#pragma once

#include <string>
#include <utility>

namespace sextant::testing {

struct TlsMaterial {
  std::string ca_cert_pem;
  std::string ca_key_pem;
  std::string server_cert_pem;  // for IP 127.0.0.1 and DNS localhost, signed by the CA
  std::string server_key_pem;
};

// A fresh CA (P-256, one day) and a server certificate it signed.
TlsMaterial generate_tls_material();

// A client certificate (CN = common_name, clientAuth) signed by the material's CA: {cert, key}.
std::pair<std::string, std::string> issue_certificate(const TlsMaterial& material,
                                                      const std::string& common_name);

}  // namespace sextant::testing
