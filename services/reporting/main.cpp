// The reporting process: settings from the environment, start, serve until SIGINT/SIGTERM, drain.
#include "nationpulse/process/run.hpp"
#include "src/service.hpp"

int main(int argc, char** argv) {
  using namespace nationpulse;
  return process::Run<reporting::Settings, reporting::ReportingService>("reporting", reporting::LoadSettings,
                                                                        argc, argv);
}
