// The txsim subcommands. Each takes the arguments after its name and returns the exit code:
// 0 all checks passed, 1 a consistency check failed, 2 usage or scenario error,
// 3 internal error (a broken invariant inside txsim: please report it).
#pragma once

#include <string>
#include <vector>

namespace txsim::cli {

inline constexpr int kExitPassed = 0;
inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 3;

int run_command(const std::vector<std::string>& args);
int validate_command(const std::vector<std::string>& args);
int plugins_command(const std::vector<std::string>& args);
int replay_command(const std::vector<std::string>& args);
int diagram_command(const std::vector<std::string>& args);
int compare_command(const std::vector<std::string>& args);
int check_command(const std::vector<std::string>& args);

}  // namespace txsim::cli
