// How late an event of a finished choreographed saga can still reach a service node, in a run
// without faults (faults only add to it): the timings of the outbox relay each service node runs
// and of its subscription to the broker. runner/saga_world.cc builds the relays from these, and
// scenario validation refuses a retention horizon shorter than their sum (core/scenario).
//
// Units: virtual time, integer nanoseconds (sim::Duration).
#pragma once

#include "core/sim/time.h"

namespace txsim::cqrs::choreography_timing {

/// A service node's relay polls its outbox this often; the participant kicks it when rows are
/// durable (push), so the poll only catches what a restart left behind.
inline constexpr sim::Duration kRelayPollInterval = sim::milliseconds(20);
/// A publish unacknowledged for this long is sent again: a lost ack becomes a duplicate event.
inline constexpr sim::Duration kRelayCallTimeout = sim::milliseconds(500);
/// A node whose subscription broke (a broker restart, a partition) subscribes again this often.
inline constexpr sim::Duration kResubscribeInterval = sim::milliseconds(200);

/// The longest a duplicate of a finished saga's event can trail it without faults: a relay's
/// retry after an ack slower than its call timeout (then the next poll), delivered to a node
/// that is one resubscribe interval behind. A necessary bound for a retention horizon, not a
/// sufficient one: each lost publish or ack adds another call timeout and poll, and crashes and
/// slow links add their downtime and delay.
inline constexpr sim::Duration kRedeliveryBound =
    kRelayCallTimeout + kRelayPollInterval + kResubscribeInterval;

}  // namespace txsim::cqrs::choreography_timing
