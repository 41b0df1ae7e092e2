// ContextFixture: a fresh, opened AppContext per call.
#include "ContextFixture.h"

#include "core/storage/SecretStore.h"
#include "core/workspace/WorkspaceManager.h"

#include <QtGlobal>

namespace anyrouter::test {

ContextFixture::ContextFixture(QString prefix) : m_prefix(std::move(prefix))
{
    if (!m_dir.isValid())
        qFatal("ContextFixture: no temporary directory: %s", qPrintable(m_dir.errorString()));
}

QString ContextFixture::nextDatabasePath() const
{
    return m_dir.filePath(QStringLiteral("%1%2.sqlite").arg(m_prefix).arg(m_counter + 1));
}

std::unique_ptr<AppContext> ContextFixture::make(AppContext::Options options)
{
    if (options.databasePath.isEmpty())
        options.databasePath = nextDatabasePath();
    ++m_counter;
    if (!options.secretStore)
        options.secretStore = std::make_unique<MemorySecretStore>();
    auto context = std::make_unique<AppContext>(std::move(options));
    QString error;
    if (!context->open(&error))
        qFatal("ContextFixture: the context did not open: %s", qPrintable(error));
    return context;
}

std::unique_ptr<AppContext> ContextFixture::make(std::unique_ptr<SecretStore> secrets)
{
    AppContext::Options options;
    options.secretStore = std::move(secrets);
    return make(std::move(options));
}

Workspace demoWorkspace(const QUrl& baseUrl, const QString& name)
{
    Workspace demo;
    demo.id = WorkspaceManager::demoWorkspaceId();
    demo.name = name;
    demo.kind = Workspace::Kind::Demo;
    demo.baseUrl = baseUrl;
    return demo;
}

} // namespace anyrouter::test
