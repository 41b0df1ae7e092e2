// SimDeviceRoutes: device login — POST /auth/cli/device/start and /token (the OAuth-style polling
// with authorization_pending, slow_down, access_denied, expired_token, and a full key once approved)
// and the HTML page at /cli/device where the user approves or denies the code.
#include "sim/SimExchange.h"
#include "sim/SimRoutes.h"

#include <QRandomGenerator>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace anyrouter::sim::routes {

namespace {
constexpr int kDeviceInterval = 1;
constexpr int kDeviceExpiresIn = 600;
} // namespace

void deviceStart(SimExchange& ex)
{
    SimServer::Private* d = ex.d;
    const auto body = ex.bodyObject(false);
    if (!body)
        return;
    static const char kLetters[] = "BCDFGHJKLMNPQRSTVWXZ";
    QString userCode;
    do {
        userCode.clear();
        for (int i = 0; i < 4; ++i)
            userCode += QLatin1Char(kLetters[QRandomGenerator::global()->bounded(int(sizeof kLetters - 1))]);
        userCode += u'-';
        userCode += QString::number(QRandomGenerator::global()->bounded(10000)).rightJustified(4, u'0');
    } while (std::any_of(d->devices.cbegin(), d->devices.cend(),
                         [&](const DeviceLogin& dl) { return dl.userCode == userCode; }));
    DeviceLogin dl;
    dl.deviceCode = u"dc_"_s + randomHex(16);
    dl.userCode = userCode;
    dl.tool = body->value(u"tool"_s).toString();
    dl.age.start();
    d->devices.append(dl);
    d->lastUserCode = userCode;
    const QString uri = ex.server->originUrl().toString() + u"/cli/device"_s;
    ex.json(200, QJsonObject{{u"device_code"_s, dl.deviceCode},
                             {u"user_code"_s, userCode},
                             {u"verification_uri"_s, uri},
                             {u"verification_uri_complete"_s, QString(uri + u"?code="_s + userCode)},
                             {u"interval"_s, kDeviceInterval},
                             {u"expires_in"_s, kDeviceExpiresIn}});
}

void deviceToken(SimExchange& ex)
{
    SimServer::Private* d = ex.d;
    const auto body = ex.bodyObject(true);
    if (!body)
        return;
    const QString code = body->value(u"device_code"_s).toString();
    DeviceLogin* dl = nullptr;
    for (DeviceLogin& x : d->devices) {
        if (x.deviceCode == code)
            dl = &x;
    }
    if (!dl) {
        ex.oauthError(400, u"invalid_grant"_s, u"Unknown device code"_s);
        return;
    }
    const qint64 now = dl->age.elapsed();
    const qint64 lastPoll = dl->lastPollMs;
    dl->lastPollMs = now;
    if (dl->state == DeviceLogin::State::Pending && now > qint64(kDeviceExpiresIn) * 1000)
        dl->state = DeviceLogin::State::Expired;
    switch (dl->state) {
    case DeviceLogin::State::Expired:
    case DeviceLogin::State::Consumed:
        ex.oauthError(400, u"expired_token"_s, u"The device code has expired"_s);
        return;
    case DeviceLogin::State::Denied:
        ex.oauthError(400, u"access_denied"_s, u"The user denied the request"_s);
        return;
    case DeviceLogin::State::Pending:
        if (lastPoll >= 0 && now - lastPoll < qint64(kDeviceInterval) * 1000)
            ex.oauthError(400, u"slow_down"_s, u"Polling too fast"_s);
        else
            ex.oauthError(400, u"authorization_pending"_s, u"Waiting for the user to approve"_s);
        return;
    case DeviceLogin::State::Approved:
        break;
    }
    dl->state = DeviceLogin::State::Consumed;
    KeyRecord k;
    k.name = dl->tool.isEmpty() ? u"Device login"_s : u"Device login ("_s + dl->tool + u')';
    k.secret = u"sk-ar-v1-"_s + randomHex(16);
    k.hash = hashOfSecret(k.secret);
    k.tier = Tier::Full;
    k.createdAt = QDateTime::currentDateTimeUtc();
    d->keys.append(k);
    ex.json(200, QJsonObject{{u"key"_s, k.secret}});
}

void devicePage(SimServer* server, SimServer::Private* d, SimHttpConnection* conn)
{
    const SimHttpRequest& req = conn->request();
    const QString code = req.query.queryItemValue(u"code"_s, QUrl::FullyDecoded).trimmed();
    const bool deny = req.query.queryItemValue(u"action"_s) == u"deny"_s;
    QByteArray html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>AnyRouter simulator — "
                      "device login</title></head><body style=\"font-family:sans-serif;margin:3em\">"_ba;
    int status = 200;
    if (code.isEmpty()) {
        html += "<h1>Connect a device</h1><form method=\"get\"><p>Enter the code shown by the app:</p>"
                "<input name=\"code\" placeholder=\"ABCD-1234\" autofocus> <button>Approve</button></form>";
    } else {
        bool found = false;
        for (const DeviceLogin& dl : std::as_const(d->devices))
            found = found || (dl.userCode.compare(code, Qt::CaseInsensitive) == 0 &&
                              dl.state == DeviceLogin::State::Pending);
        if (found) {
            deny ? server->denyDevice(code) : server->approveDevice(code);
            html += deny ? "<h1>Request denied</h1><p>The app will be told.</p>"_ba
                         : "<h1>Device approved &#10003;</h1><p>You can return to the app.</p>"_ba;
        } else {
            status = 404;
            html += "<h1>Unknown or expired code</h1><p><a href=\"/cli/device\">Try again</a></p>";
        }
    }
    html += "</body></html>";
    conn->sendResponse(status, {{"Content-Type"_ba, "text/html; charset=utf-8"_ba}}, html);
}

} // namespace anyrouter::sim::routes
