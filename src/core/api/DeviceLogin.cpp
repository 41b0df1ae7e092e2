#include "core/api/DeviceLogin.h"

#include "core/domain/JsonUtil.h"

#include <algorithm>

namespace anyrouter {

using namespace Qt::StringLiterals;

DeviceLogin::DeviceLogin(ApiClient* client, QObject* parent) : QObject(parent), m_client(client) {}

void DeviceLogin::start()
{
    cancel();
    m_active = true;
    m_pending = m_client->send("POST", u"/auth/cli/device/start"_s, KeyRole::None,
                               QJsonObject{{u"tool"_s, u"anyrouter-desktop"_s}});
    ApiReply* reply = m_pending;
    connect(reply, &ApiReply::finished, this, [this, reply] {
        if (!m_active)
            return;
        if (!reply->isOk()) {
            fail(reply->error());
            return;
        }
        const QJsonObject o = reply->json().object();
        DeviceCode c;
        c.deviceCode = json::str(o, u"device_code"_s);
        c.userCode = json::str(o, u"user_code"_s);
        c.verificationUri = QUrl(json::str(o, u"verification_uri"_s));
        c.verificationUriComplete = QUrl(json::str(o, u"verification_uri_complete"_s));
        if (c.verificationUriComplete.isEmpty() && c.verificationUri.isValid()) {
            c.verificationUriComplete = c.verificationUri;
            QUrlQuery q(c.verificationUri);
            q.addQueryItem(u"code"_s, c.userCode);
            c.verificationUriComplete.setQuery(q);
        }
        c.intervalSeconds = int(std::clamp<qint64>(json::optInt(o, u"interval"_s).value_or(5), 1, 60));
        c.expiresInSeconds =
            int(std::clamp<qint64>(json::optInt(o, u"expires_in"_s).value_or(600), 10, 3600));
        if (c.deviceCode.isEmpty() || c.userCode.isEmpty()) {
            fail(ApiError::badResponse(tr("The sign-in response has no device code.")));
            return;
        }
        m_code = c;
        m_deadlineMs = m_client->clock()->nowMs() + qint64(c.expiresInSeconds) * 1000;
        emit codeReady(m_code);
        m_client->clock()->schedule(qint64(m_code.intervalSeconds) * 1000, this, [this, gen = m_generation] {
            if (gen == m_generation)
                poll();
        });
    });
}

void DeviceLogin::cancel()
{
    ++m_generation;
    m_active = false;
    if (m_pending)
        m_pending->abort();
}

void DeviceLogin::fail(const ApiError& e)
{
    m_active = false;
    emit failed(e);
}

void DeviceLogin::poll()
{
    if (!m_active)
        return;
    if (m_client->clock()->nowMs() >= m_deadlineMs) {
        fail(ApiError(ApiError::Category::Timeout, tr("The sign-in code expired before it was approved.")));
        return;
    }
    m_pending = m_client->send("POST", u"/auth/cli/device/token"_s, KeyRole::None,
                               QJsonObject{{u"device_code"_s, m_code.deviceCode}});
    ApiReply* reply = m_pending;
    connect(reply, &ApiReply::finished, this, [this, reply] {
        if (!m_active)
            return;
        const QJsonObject o = reply->json().object();
        if (reply->isOk()) {
            const QString key = json::str(o, u"key"_s);
            if (key.isEmpty()) {
                fail(ApiError::badResponse(tr("The sign-in succeeded but no key was returned.")));
                return;
            }
            m_active = false;
            emit succeeded(key);
            return;
        }
        // error may be a string or {code: …}
        const QJsonValue ev = o.value(u"error"_s);
        const QString code = ev.isObject() ? json::str(ev.toObject(), u"code"_s) : ev.toString();
        if (code == u"authorization_pending" || code == u"slow_down") {
            if (code == u"slow_down")
                m_code.intervalSeconds += 5;
            m_client->clock()->schedule(qint64(m_code.intervalSeconds) * 1000, this,
                                        [this, gen = m_generation] {
                                            if (gen == m_generation)
                                                poll();
                                        });
            return;
        }
        if (code == u"access_denied") {
            fail(ApiError(ApiError::Category::Auth, tr("The sign-in was denied in the browser.")));
            return;
        }
        if (code == u"expired_token") {
            fail(ApiError(ApiError::Category::Timeout,
                          tr("The sign-in code expired before it was approved.")));
            return;
        }
        fail(reply->error());
    });
}

} // namespace anyrouter
