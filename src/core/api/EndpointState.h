// EndpointState: what a panel can say about one gateway endpoint, derived from a Result<T> — not
// asked yet, loading, ready, no key, unsupported (404/405/501), unauthorised (401), forbidden (403),
// offline (the gateway could not be reached) or failed (any other error). One derivation and one
// set of sentences for every panel, instead of a hand-written copy in each.
#pragma once

#include "core/api/ApiError.h"
#include "core/api/Result.h"

#include <QString>

namespace anyrouter {

struct EndpointStatus
{
    enum class State
    {
        Idle,         // not asked yet (no workspace, keys not read)
        Loading,      // a request is on its way
        Ready,        // the endpoint answered
        NoKey,        // the workspace has no key to ask with
        Unsupported,  // the gateway does not offer the endpoint
        Unauthorized, // 401: the key was refused
        Forbidden,    // 403: the key lacks the permission (often: not a management key)
        Offline,      // the gateway could not be reached
        Failed,       // any other error
    };

    State state = State::Idle;
    ApiError error; // for Unauthorized, Forbidden, Offline and Failed

    static EndpointStatus idle() { return {}; }
    static EndpointStatus loading() { return {State::Loading, {}}; }
    static EndpointStatus ready() { return {State::Ready, {}}; }
    static EndpointStatus noKey() { return {State::NoKey, {}}; }
    static EndpointStatus fromError(const ApiError& error);
    template <typename T> static EndpointStatus from(const Result<T>& result)
    {
        if (result.unsupported)
            return {State::Unsupported, {}};
        if (result.error.isError())
            return fromError(result.error);
        return ready();
    }

    bool isReady() const { return state == State::Ready; }
    bool isProblem() const;
    // The workspace's settings could fix it (a key is missing, refused or lacks a permission).
    bool offersSettings() const;
    // A sentence for the user. `what` names the data in lower case ("the credit balance", "the list
    // of keys"); `endpoint` names the path for Unsupported ("/credits"). Empty for Idle and Ready.
    QString message(const QString& what, const QString& endpoint) const;

    static QString stateName(State state); // "ready", "forbidden"… for logs and tests
};

} // namespace anyrouter
