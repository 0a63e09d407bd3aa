// `--set path=value`: overriding one scalar field of a scenario from the command line.
//
// Syntax (documented in docs/scenarios.md):
//   path  := part ("." part)*
//   part  := field | field "[" index "]" | field "[" name "]"
//   value := text in the field's type: a number, true/false, an enum value name, or a string
//            (taken verbatim, no quotes needed)
// Field names are those written in the scenario file (the proto field names). A repeated
// message field takes an element by 0-based index (`saga[0]`) or by the value of its `name`
// field (`saga[upload-video]`; also `param[kind]` matches a Param's `key`). A repeated scalar
// field takes an index, or `[+]` to append. Missing intermediate messages are created; elements
// are never created by index. Examples:
//   --set workload.uploads.count=5000
//   --set saga[upload-video].checkpoint=NONE
//   --set saga[upload-video].step[publish].retry.attempts_max=5
//   --set service[description].param[moderation_reject_probability].value=0.1
//   --set faults.random.message_loss_probability=0.05
// Every problem is a ScenarioError naming the assignment, the path so far, what was found and
// what was expected. After overrides the scenario is validated again by the loader.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/scenario/loader.h"

namespace txsim::scenario {

/// Applies one `path=value` assignment to `scenario`. Returns the canonical path with indices
/// (`saga[0].checkpoint`). Throws ScenarioError.
std::string apply_override(Scenario& scenario, std::string_view assignment);

/// Applies each assignment in order and records the canonical paths in `loaded.overridden`.
/// Throws ScenarioError listing every failed assignment.
void apply_overrides(LoadedScenario& loaded, const std::vector<std::string>& assignments);

}  // namespace txsim::scenario
