// The BFF process: settings from the environment, start, serve until SIGINT/SIGTERM, drain.
#include "nationpulse/process/run.hpp"
#include "src/app.hpp"

int main(int argc, char** argv) {
  using namespace nationpulse;
  return process::Run<bff::Settings, bff::App>("bff", bff::LoadSettings, argc, argv);
}
