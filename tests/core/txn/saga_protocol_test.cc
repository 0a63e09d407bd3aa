#include <gtest/gtest.h>

#include "core/txn/saga/protocol.h"

namespace txsim::saga {
namespace {

TEST(SagaProtocol, RequestFieldsSurviveEncodingAtTheirLimits) {
  const StepRequest request{0xfedcba9876543210ULL, kMaxServices - 1, 0xffff, 0xffffffffu,
                            Operation::kCompensation, SagaArgs{7, 9}};
  const StepRequest back = decode_request(encode(request));
  EXPECT_EQ(back.saga_id, request.saga_id);
  EXPECT_EQ(back.service, request.service);
  EXPECT_EQ(back.step, request.step);
  EXPECT_EQ(back.attempt, request.attempt);
  EXPECT_EQ(back.operation, Operation::kCompensation);
  EXPECT_EQ(back.args.a, 7u);
  EXPECT_EQ(back.args.b, 9u);
}

TEST(SagaProtocol, ReplyCarriesTheRequestAndEachResult) {
  const StepRequest request{42, 3, 2, 5, Operation::kAction, {}};
  for (const StepResult result : {StepResult::kSuccess, StepResult::kFailure, StepResult::kRetryLater}) {
    const net::Payload reply = encode_reply(request, result);
    EXPECT_EQ(reply_result(reply), result);
    EXPECT_EQ(decode_request(reply).saga_id, 42u);
    EXPECT_EQ(decode_request(reply).attempt, 5u);
  }
}

}  // namespace
}  // namespace txsim::saga
