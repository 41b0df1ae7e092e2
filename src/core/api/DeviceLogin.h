// DeviceLogin: the CLI-style device-code sign-in (reference §15): start, show the user code and
// verification URL, poll /auth/cli/device/token every `interval` seconds (plus 5 s on slow_down)
// until a key arrives, the user denies, or the code expires. Timers go through the injectable Clock.
#pragma once

#include "core/api/ApiClient.h"

namespace anyrouter {

struct DeviceCode
{
    QString deviceCode;
    QString userCode;
    QUrl verificationUri;
    QUrl verificationUriComplete; // verificationUri?code=… when the gateway gave none
    int intervalSeconds = 5;
    int expiresInSeconds = 600;
};

class DeviceLogin : public QObject
{
    Q_OBJECT
public:
    explicit DeviceLogin(ApiClient* client, QObject* parent = nullptr);

    void start(); // emits codeReady then, eventually, exactly one of succeeded/failed
    void cancel();
    bool isActive() const { return m_active; }

signals:
    void codeReady(const anyrouter::DeviceCode& code);
    void succeeded(const QString& key); // the minted key: hand it straight to the SecretStore
    void failed(const anyrouter::ApiError& error);

private:
    void poll();
    void fail(const ApiError& e);

    ApiClient* m_client;
    DeviceCode m_code;
    qint64 m_deadlineMs = 0;
    bool m_active = false;
    quint64 m_generation = 0; // a poll scheduled by an earlier start() must not run after a restart
    QPointer<ApiReply> m_pending;
};

} // namespace anyrouter
