// The kubepulse process (grpc.md §4): settings from the environment, start the round loop and the
// dashboard port, run until SIGINT/SIGTERM, stop.
#include "nationpulse/process/run.hpp"
#include "src/service.hpp"

int main(int argc, char** argv) {
  using namespace nationpulse;
  return process::Run<kubepulse::Settings, kubepulse::KubePulseService>("kubepulse", kubepulse::LoadSettings,
                                                                        argc, argv);
}
