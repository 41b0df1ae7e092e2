// Result<T>: what a service call hands back — a value, or an ApiError, or "this gateway does not
// offer the endpoint" (a 404/405/501 from an optional endpoint is not an error dialog).
#pragma once

#include "core/api/ApiClient.h"

#include <functional>

namespace anyrouter {

template <typename T> struct Result
{
    T value{};
    ApiError error;
    bool unsupported = false;

    bool ok() const { return !error.isError() && !unsupported; }
};

template <typename T> using ResultCallback = std::function<void(const Result<T>&)>;

// Connects an ApiReply to a parser and a callback; the callback runs once, only while context lives.
// parse(reply, result) fills result.value or sets result.error (bad response). When the context goes
// (a WorkspaceSession deleted by a switch, a closed dialog), the request is aborted: nobody waits for
// it, and it must not keep retrying for a workspace no longer selected. Queued, so the abort never
// runs inside the context's destructor.
template <typename T, typename Parse>
void deliver(ApiReply* reply, QObject* context, bool optionalEndpoint, Parse parse, ResultCallback<T> cb)
{
    QObject::connect(context, &QObject::destroyed, reply, &ApiReply::abort, Qt::QueuedConnection);
    QObject::connect(reply, &ApiReply::finished, context,
                     [reply, optionalEndpoint, parse = std::move(parse), cb = std::move(cb)] {
                         Result<T> result;
                         if (!reply->isOk()) {
                             const int s = reply->httpStatus();
                             if (optionalEndpoint && (s == 404 || s == 405 || s == 501))
                                 result.unsupported = true;
                             else
                                 result.error = reply->error();
                         } else {
                             parse(*reply, result);
                         }
                         cb(result);
                     });
}

} // namespace anyrouter
