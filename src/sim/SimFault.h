// SimFault: one injected fault, chosen per request by the `X-Sim-Fault: name[;key=value...]`
// header or by a `sk-ar-v1-sim-fault-<name>` key (so the app itself can trigger faults).
// Parameters: after=N (content chunks before the fault), count=K (only the first K matching
// requests, tracked per fault name), retry_after=S, status=N, delay_ms=N, bytes=N.
#pragma once

#include "sim/SimHttpConnection.h"

#include <QString>

namespace anyrouter::sim {

struct SimFault
{
    QString name; // empty: no fault
    int after = -1;
    int count = -1;
    int retryAfter = -1;
    int status = -1;
    int delayMs = -1;
    qint64 bytes = -1;

    bool isSet() const { return !name.isEmpty(); }
    bool isKnown() const;
    // Answers with an error status instead of the real response.
    bool isStatusFault() const;
    // Only meaningful for a streamed chat completion.
    bool isStreamOnly() const;
    int afterOr(int fallback) const { return after >= 0 ? after : fallback; }

    static SimFault parse(QByteArrayView spec);
    static QStringList knownNames();
};

// Writes a complete (non-streamed) response, misbehaving as a response-level fault asks:
// drop (reset after half the body), stall (half the body, then silence), slow-drip, split-utf8.
void sendWithFault(SimHttpConnection* connection, int status, const SimHeaders& headers,
                   const QByteArray& body, const SimFault& fault);
// Applies slow-drip / split-utf8 write modes; true if the fault was one of them.
bool applyWriteModeFault(SimHttpConnection* connection, const SimFault& fault);

} // namespace anyrouter::sim
