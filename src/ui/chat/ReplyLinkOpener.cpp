// ReplyLinkOpener: see the header.
#include "ui/chat/ReplyLinkOpener.h"

#include <QClipboard>
#include <QDesktopServices>
#include <QGuiApplication>
#include <QMessageBox>
#include <QPushButton>
#include <QUrl>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {
constexpr int kMaxShownChars = 2000;
}

bool ReplyLinkOpener::isOpenable(const QUrl& url)
{
    if (!url.isValid() || url.isRelative())
        return false;
    const QString scheme = url.scheme().toLower();
    if (scheme == u"http"_s || scheme == u"https"_s)
        return !url.host().isEmpty();
    if (scheme == u"mailto"_s)
        return !url.path().isEmpty();
    return false;
}

QString ReplyLinkOpener::displayTarget(const QUrl& url)
{
    QString shown = url.isValid() ? url.toString(QUrl::FullyEncoded) : url.toString();
    if (shown.size() > kMaxShownChars)
        shown = shown.left(kMaxShownChars) + u'…';
    return shown;
}

QMessageBox* ReplyLinkOpener::request(QWidget* parent, const QString& href)
{
    const QUrl url(href, QUrl::StrictMode);
    const bool openable = isOpenable(url);
    // What is copied is the link exactly as the reply wrote it.
    const QString copyText = href;
    auto* box = new QMessageBox(parent ? parent->window() : nullptr);
    box->setObjectName(u"replyLinkDialog"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setTextFormat(Qt::PlainText);
    box->setIcon(openable ? QMessageBox::Question : QMessageBox::Warning);
    box->setWindowTitle(openable ? tr("Open link") : tr("Link not opened"));
    const QString target = displayTarget(url.isValid() ? url : QUrl(href));
    if (openable) {
        box->setText(tr("Open this link?"));
        box->setInformativeText(target);
    } else {
        box->setText(tr("This link was not opened."));
        box->setInformativeText(
            tr("Only web (http, https) and e-mail (mailto) links open from a reply. The link points "
               "to:\n%1")
                .arg(target.isEmpty() ? href : target));
    }
    QPushButton* open = nullptr;
    if (openable) {
        open = box->addButton(tr("&Open"), QMessageBox::AcceptRole);
        open->setObjectName(u"openLink"_s);
    }
    QPushButton* copy = box->addButton(tr("&Copy link"), QMessageBox::ActionRole);
    copy->setObjectName(u"copyLink"_s);
    QPushButton* cancel = box->addButton(openable ? QMessageBox::Cancel : QMessageBox::Close);
    cancel->setObjectName(u"cancelLink"_s);
    box->setDefaultButton(cancel); // Enter never opens by accident
    box->setEscapeButton(cancel);
    // ActionRole buttons do not close a QMessageBox by themselves: Copy closes it too.
    QObject::connect(copy, &QPushButton::clicked, box, [box, copyText] {
        QGuiApplication::clipboard()->setText(copyText);
        box->close();
    });
    if (open) {
        QObject::connect(open, &QPushButton::clicked, box, [url] { QDesktopServices::openUrl(url); });
    }
    box->open();
    return box;
}

} // namespace anyrouter
