// SafeTextDocument: see the header. Qt 6.4 reads a document's resources in three places, all closed
// here: QTextDocument::resource() asks the document's resource provider (then the global default
// one) and then loadResource() (the default reads local files with QFile, or a QTextEdit parent's
// loader); the HTML importer asks resource() for <link rel=stylesheet> and CSS background images
// while it parses; QTextImageHandler asks resource() at layout and paint time and, when that comes
// back null, calls QImage/QPixmap::load(name) on the name directly. So: a per-document provider and
// loadResource() that always answer with an inert value (a non-null image, so the last fallback
// never runs), and no image objects left after parsing anyway.
#include "ui/chat/SafeTextDocument.h"

#include <QAtomicInt>
#include <QGuiApplication>
#include <QImage>
#include <QPalette>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextFragment>
#include <QUrl>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

QAtomicInt g_refused;

struct ImageRun
{
    int position = 0;
    int length = 0;
    QTextImageFormat format;
};

} // namespace

SafeTextDocument::SafeTextDocument(QObject* parent) : QTextDocument(parent)
{
    // Set even though loadResource() is overridden: resource() consults a provider first, and a
    // global default provider (setDefaultResourceProvider) must not get to load anything either.
    setResourceProvider([](const QUrl&) {
        g_refused.ref();
        return inertResource(QTextDocument::ImageResource);
    });
}

void SafeTextDocument::setSafeMarkdown(const QString& markdown)
{
    setMarkdown(markdown, QTextDocument::MarkdownDialectGitHub);
    neutraliseImages(this);
}

QVariant SafeTextDocument::inertResource(int type)
{
    if (type == QTextDocument::ImageResource) {
        QImage pixel(1, 1, QImage::Format_ARGB32_Premultiplied);
        pixel.fill(Qt::transparent);
        return pixel;
    }
    return {};
}

int SafeTextDocument::refusedCount()
{
    return g_refused.loadRelaxed();
}

QVariant SafeTextDocument::loadResource(int type, const QUrl&)
{
    g_refused.ref();
    return inertResource(type);
}

int SafeTextDocument::neutraliseImages(QTextDocument* doc)
{
    // Collect first, replace from the end: replacing shifts every later position.
    QList<ImageRun> runs;
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next()) {
        for (auto it = b.begin(); !it.atEnd(); ++it) {
            const QTextFragment f = it.fragment();
            if (f.isValid() && f.charFormat().isImageFormat())
                runs.append({f.position(), f.length(), f.charFormat().toImageFormat()});
        }
    }
    if (runs.isEmpty())
        return 0;
    const QBrush link = QGuiApplication::palette().link();
    int replaced = 0;
    QTextCursor cur(doc);
    cur.beginEditBlock();
    for (auto run = runs.crbegin(); run != runs.crend(); ++run) {
        const QString url = run->format.name();
        QString alt = run->format.property(QTextFormat::ImageAltText).toString().trimmed();
        if (alt.isEmpty())
            alt = run->format.property(QTextFormat::ImageTitle).toString().trimmed();
        if (alt.isEmpty())
            alt = url;
        QTextCharFormat text = run->format; // keeps the surrounding font, weight, anchor
        text.setObjectType(QTextFormat::NoObject);
        text.clearProperty(QTextFormat::ImageName);
        text.clearProperty(QTextFormat::ImageWidth);
        text.clearProperty(QTextFormat::ImageHeight);
        text.clearProperty(QTextFormat::ImageQuality);
        text.clearProperty(QTextFormat::ImageTitle);
        text.clearProperty(QTextFormat::ImageAltText);
        if (!url.isEmpty()) {
            text.setAnchor(true);
            text.setAnchorHref(url);
            text.setForeground(link);
            text.setFontUnderline(true);
        }
        text.setToolTip(url);
        // A fragment holds one object character per image (adjacent identical images share one).
        const QString label = tr("[image: %1]").arg(alt);
        for (int i = run->length - 1; i >= 0; --i) {
            cur.setPosition(run->position + i);
            cur.setPosition(run->position + i + 1, QTextCursor::KeepAnchor);
            cur.insertText(label, text);
            ++replaced;
        }
    }
    cur.endEditBlock();
    return replaced;
}

} // namespace anyrouter
