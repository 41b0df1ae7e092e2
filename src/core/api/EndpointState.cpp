// EndpointState: the derivation from an ApiError and the shared sentences.
#include "core/api/EndpointState.h"

#include <QCoreApplication>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("EndpointStatus", text);
}
} // namespace

EndpointStatus EndpointStatus::fromError(const ApiError& error)
{
    if (!error.isError())
        return ready();
    switch (error.category()) {
    case ApiError::Category::Auth:
        return {State::Unauthorized, error};
    case ApiError::Category::Permission:
        return {State::Forbidden, error};
    default:
        return {error.isUnreachable() ? State::Offline : State::Failed, error};
    }
}

bool EndpointStatus::isProblem() const
{
    return state != State::Idle && state != State::Loading && state != State::Ready;
}

bool EndpointStatus::offersSettings() const
{
    return state == State::NoKey || state == State::Unauthorized || state == State::Forbidden;
}

QString EndpointStatus::message(const QString& what, const QString& endpoint) const
{
    switch (state) {
    case State::Idle:
    case State::Ready:
        return {};
    case State::Loading:
        return tr("Loading %1…").arg(what);
    case State::NoKey:
        return tr("This workspace has no API key, so %1 cannot be read. Add a key in the workspace's "
                  "settings.")
            .arg(what);
    case State::Unsupported:
        return tr("This gateway does not offer %1 (%2).").arg(what, endpoint);
    case State::Unauthorized:
        return tr("The gateway refused this workspace's key (%1). Check the key in the workspace's "
                  "settings.")
            .arg(error.userMessage());
    case State::Forbidden:
        return tr("This key may not read %1. Add a management key in the workspace's settings.").arg(what);
    case State::Offline:
        return tr("The gateway could not be reached, so %1 is not up to date: %2")
            .arg(what, error.userMessage());
    case State::Failed:
        return tr("Could not read %1: %2").arg(what, error.userMessage());
    }
    return {};
}

QString EndpointStatus::stateName(State state)
{
    switch (state) {
    case State::Idle:
        return u"idle"_s;
    case State::Loading:
        return u"loading"_s;
    case State::Ready:
        return u"ready"_s;
    case State::NoKey:
        return u"no_key"_s;
    case State::Unsupported:
        return u"unsupported"_s;
    case State::Unauthorized:
        return u"unauthorized"_s;
    case State::Forbidden:
        return u"forbidden"_s;
    case State::Offline:
        return u"offline"_s;
    case State::Failed:
        return u"failed"_s;
    }
    return {};
}

} // namespace anyrouter
