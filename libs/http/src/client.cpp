#include "nationpulse/http/client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace nationpulse::http {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

Expected<Response, std::string> Fetch(const std::string& host, std::uint16_t port, Request request,
                                      std::chrono::milliseconds timeout) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  tcp::resolver resolver(ioc);
  beast::error_code result_ec;
  Response response;
  beast::flat_buffer buffer;

  if (request[bhttp::field::host].empty()) request.set(bhttp::field::host, host + ":" + std::to_string(port));
  request.prepare_payload();

  // Async ops under one io_context run give every step the same overall deadline.
  stream.expires_after(timeout);
  resolver.async_resolve(
      host, std::to_string(port), [&](beast::error_code ec, tcp::resolver::results_type r) {
        if (ec) {
          result_ec = ec;
          return;
        }
        stream.async_connect(r, [&](beast::error_code ec2, const tcp::endpoint&) {
          if (ec2) {
            result_ec = ec2;
            return;
          }
          bhttp::async_write(stream, request, [&](beast::error_code ec3, std::size_t) {
            if (ec3) {
              result_ec = ec3;
              return;
            }
            bhttp::async_read(stream, buffer, response,
                              [&](beast::error_code ec4, std::size_t) { result_ec = ec4; });
          });
        });
      });
  ioc.run_for(timeout + std::chrono::milliseconds(100));
  if (!ioc.stopped()) return Unexpected{std::string("timeout")};
  if (result_ec) return Unexpected{result_ec.message()};
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return response;
}

}  // namespace nationpulse::http
