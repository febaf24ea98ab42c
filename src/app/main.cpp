// The `parley` binary: `parley serve` runs the server, `parley admin ...` manages a data
// directory. See docs/operations.md.
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/admin.hpp"
#include "app/config.hpp"
#include "app/serve.hpp"

int main(int argc, char** argv) {
    if (sodium_init() < 0) {
        std::fprintf(stderr, "parley: libsodium failed to initialise\n");
        return 1;
    }

    CLI::App app{"Parley: self-hosted team chat that speaks Slack's API"};
    app.require_subcommand(1);

    parley::app::Config config;
    CLI::App* serve = app.add_subcommand("serve", "Run the server");
    parley::app::add_serve_options(*serve, config);

    parley::app::AdminOptions admin_options;
    CLI::App* admin = app.add_subcommand("admin", "Manage workspaces and users");
    parley::app::add_admin_commands(*admin, admin_options);

    CLI11_PARSE(app, argc, argv);

    try {
        if (serve->parsed()) {
            parley::app::apply_config_file(*serve, config);
            spdlog::set_level(spdlog::level::from_str(config.log_level));
            return parley::app::serve(config);
        }
        return parley::app::run_admin(*admin, admin_options);
    } catch (const std::exception& e) {
        spdlog::critical("parley: {}", e.what());
        return 1;
    }
}
