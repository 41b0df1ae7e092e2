// Fuzz target: the Markdown renderer as the transcript uses it — split() into segments, each
// rendered into its own document (renderProse / renderCode), laid out and painted; plus
// toPlainText() and languageLabel(). Properties: a reply never makes the app open a file (an image
// or link target such as /dev/zero, a named pipe or ~/.ssh/id_rsa: every open()/fopen() while
// rendering is checked against an allow-list of font and configuration directories and aborts
// otherwise), no crash or undefined behaviour, and bounded time per input (run with -timeout=).
// Set ANYROUTER_FUZZ_TRACE_OPENS=1 to print every file opened while rendering.
#include "ui/chat/MarkdownRenderer.h"
#if __has_include("ui/chat/SafeTextDocument.h")
#include "ui/chat/SafeTextDocument.h"
#define ANYROUTER_FUZZ_SAFE_DOCUMENT 1
#endif

#include "FuzzSupport.h"

#include <QAbstractTextDocumentLayout>
#include <QFont>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QPalette>
#include <QTextDocument>

#include <algorithm>
#include <atomic>
#include <cstdarg>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>

using namespace anyrouter;
using namespace Qt::StringLiterals;

// ---------------------------------------------------------------------------------------------
// File-access guard. Interposes the libc entry points Qt, fontconfig and FreeType open files with
// (the executable is linked with -rdynamic, so shared libraries resolve to these).

namespace {

std::atomic<bool> g_armed{false};
bool g_trace = false;
// libFuzzer writes the failing input (crash-*, timeout-*) from inside the failing call, i.e. while
// armed: its -artifact_prefix / -exact_artifact_path are allowed.
char g_artifactPrefix[4096] = {};
char g_exactArtifact[4096] = {};

bool startsWith(const char* s, const char* prefix)
{
    return std::strncmp(s, prefix, std::strlen(prefix)) == 0;
}

// Fonts may be loaded lazily (a script first seen in a reply), with fontconfig's configuration
// and caches; nothing else is a file a reply may cause to be read.
bool allowed(const char* path)
{
    if ((g_artifactPrefix[0] && startsWith(path, g_artifactPrefix)) ||
        (g_exactArtifact[0] && std::strcmp(path, g_exactArtifact) == 0))
        return true;
    static const char* const kPrefixes[] = {
        "/usr/share/fonts/",      "/usr/local/share/fonts/", "/etc/fonts/",
        "/var/cache/fontconfig/", "/usr/share/fontconfig/",
    };
    for (const char* p : kPrefixes) {
        if (startsWith(path, p))
            return true;
    }
    // Per-user font caches and configuration (fontconfig looks in $HOME and $XDG_*).
    return std::strstr(path, "/fontconfig/") != nullptr || std::strstr(path, "/.fonts") != nullptr ||
           std::strstr(path, "/.local/share/fonts/") != nullptr;
}

void check(const char* fn, const char* path)
{
    if (!g_armed.load(std::memory_order_relaxed) || !path)
        return;
    if (g_trace)
        std::fprintf(stderr, "[open] %s(%s)\n", fn, path);
    if (allowed(path))
        return;
    g_armed = false; // the report below may open files itself
    std::fprintf(stderr, "\n==FUZZ PROPERTY VIOLATED== the Markdown renderer opened a file: %s(\"%s\")\n", fn,
                 path);
    std::fflush(stderr);
    std::abort();
}

template <typename F> F real(const char* name)
{
    return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

mode_t modeArg(int flags, va_list ap)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? mode_t(va_arg(ap, int)) : 0;
}

} // namespace

extern "C" {

int open(const char* path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    const mode_t mode = modeArg(flags, ap);
    va_end(ap);
    check("open", path);
    static const auto fn = real<int (*)(const char*, int, ...)>("open");
    return fn(path, flags, mode);
}

int open64(const char* path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    const mode_t mode = modeArg(flags, ap);
    va_end(ap);
    check("open64", path);
    static const auto fn = real<int (*)(const char*, int, ...)>("open64");
    return fn(path, flags, mode);
}

int openat(int dirfd, const char* path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    const mode_t mode = modeArg(flags, ap);
    va_end(ap);
    check("openat", path);
    static const auto fn = real<int (*)(int, const char*, int, ...)>("openat");
    return fn(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char* path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    const mode_t mode = modeArg(flags, ap);
    va_end(ap);
    check("openat64", path);
    static const auto fn = real<int (*)(int, const char*, int, ...)>("openat64");
    return fn(dirfd, path, flags, mode);
}

// _FORTIFY_SOURCE variants.
int __open_2(const char* path, int flags)
{
    check("__open_2", path);
    static const auto fn = real<int (*)(const char*, int)>("__open_2");
    return fn(path, flags);
}

int __open64_2(const char* path, int flags)
{
    check("__open64_2", path);
    static const auto fn = real<int (*)(const char*, int)>("__open64_2");
    return fn(path, flags);
}

int __openat_2(int dirfd, const char* path, int flags)
{
    check("__openat_2", path);
    static const auto fn = real<int (*)(int, const char*, int)>("__openat_2");
    return fn(dirfd, path, flags);
}

int __openat64_2(int dirfd, const char* path, int flags)
{
    check("__openat64_2", path);
    static const auto fn = real<int (*)(int, const char*, int)>("__openat64_2");
    return fn(dirfd, path, flags);
}

FILE* fopen(const char* path, const char* mode)
{
    check("fopen", path);
    static const auto fn = real<FILE* (*)(const char*, const char*)>("fopen");
    return fn(path, mode);
}

FILE* fopen64(const char* path, const char* mode)
{
    check("fopen64", path);
    static const auto fn = real<FILE* (*)(const char*, const char*)>("fopen64");
    return fn(path, mode);
}

} // extern "C"

// ---------------------------------------------------------------------------------------------

namespace {

struct RenderEnv
{
    QFont font;
    QFont mono;
    QPalette palette;
};

RenderEnv* g_env = nullptr;

// Lays the document out at a transcript-like width and paints its first screenful, which is when
// Qt asks the document for images (intrinsic sizes) and fonts.
void layoutAndPaint(QTextDocument& doc)
{
    doc.setTextWidth(480);
    (void)doc.documentLayout()->documentSize();
    static QImage canvas(480, 320, QImage::Format_ARGB32_Premultiplied);
    QPainter painter(&canvas);
    doc.drawContents(&painter, QRectF(0, 0, 480, 320));
}

// A growing reply is re-split from its last segment only (splitFrom(), where the renderer has it):
// streaming the same text in a few steps must give exactly split() of the whole text. Templated so
// the check compiles away against a renderer without splitFrom().
template <typename Renderer>
void checkIncrementalSplit(const QString& markdown, const QList<MarkdownSegment>& whole)
{
    if constexpr (requires(QStringView m, const QList<MarkdownSegment>& p) { Renderer::splitFrom(m, p); }) {
        if (markdown.isEmpty())
            return;
        fuzz::SplitRng rng(uint64_t(markdown.size()) * 0x9E3779B97F4A7C15ULL ^ markdown.front().unicode());
        QList<qsizetype> cuts;
        for (int i = 0; i < 3; ++i) {
            qsizetype c = rng.bounded(markdown.size());
            if (c > 0 && markdown.at(c).isLowSurrogate() && markdown.at(c - 1).isHighSurrogate())
                --c; // the stream layer only ever hands over whole code points
            cuts.append(c);
        }
        std::sort(cuts.begin(), cuts.end());
        cuts.append(markdown.size());
        QList<MarkdownSegment> segments = Renderer::split(QStringView(markdown).left(cuts.front()));
        for (qsizetype i = 1; i < cuts.size(); ++i)
            segments = Renderer::splitFrom(QStringView(markdown).left(cuts[i]), segments);
        if (segments != whole) {
            QByteArray detail = "whole: " + QByteArray::number(whole.size()) +
                                " segments, incremental: " + QByteArray::number(segments.size()) + "; cuts:";
            for (const qsizetype c : cuts)
                detail += ' ' + QByteArray::number(c);
            for (qsizetype i = 0; i < std::min(whole.size(), segments.size()); ++i) {
                if (!(whole[i] == segments[i])) {
                    detail += "\nfirst difference at segment " + QByteArray::number(i) +
                              "\n  whole: " + fuzz::escapedBytes(whole[i].text.toUtf8(), 300) +
                              "\n  incremental: " + fuzz::escapedBytes(segments[i].text.toUtf8(), 300);
                    break;
                }
            }
            fuzz::fail("splitFrom() of a growing reply differs from split()",
                       detail + "\ninput: " + fuzz::escapedBytes(markdown.toUtf8()));
        }
    }
}

void renderAll(const QString& markdown)
{
    const QList<MarkdownSegment> segments = MarkdownRenderer::split(markdown);
    checkIncrementalSplit<MarkdownRenderer>(markdown, segments);
    for (const MarkdownSegment& s : segments) {
#ifdef ANYROUTER_FUZZ_SAFE_DOCUMENT
        SafeTextDocument doc; // what the transcript renders replies into
#else
        QTextDocument doc;
#endif
        if (s.kind == MarkdownSegment::Kind::Code) {
            MarkdownRenderer::renderCode(&doc, s.text, s.language, g_env->mono, g_env->palette);
            (void)MarkdownRenderer::languageLabel(s.language);
        } else {
            MarkdownRenderer::renderProse(&doc, s.text, g_env->font);
        }
        layoutAndPaint(doc);
    }
    (void)MarkdownRenderer::toPlainText(markdown);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int* argcp, char*** argvp)
{
    for (int i = 1; argcp && argvp && i < *argcp; ++i) {
        const char* arg = (*argvp)[i];
        if (startsWith(arg, "-artifact_prefix="))
            std::snprintf(g_artifactPrefix, sizeof g_artifactPrefix, "%s",
                          arg + std::strlen("-artifact_prefix="));
        else if (startsWith(arg, "-exact_artifact_path="))
            std::snprintf(g_exactArtifact, sizeof g_exactArtifact, "%s",
                          arg + std::strlen("-exact_artifact_path="));
    }
    qputenv("QT_QPA_PLATFORM", "offscreen");
    qputenv("QT_LOGGING_RULES", "*.debug=false;qt.text.markdown=false");
    static int argc = 1;
    static char arg0[] = "fuzz_markdown";
    static char* argv[] = {arg0, nullptr};
    static QGuiApplication* app = new QGuiApplication(argc, argv); // never destroyed, see FuzzSupport.h
    (void)app;
    g_env = new RenderEnv{QGuiApplication::font(), QFontDatabase::systemFont(QFontDatabase::FixedFont),
                          QGuiApplication::palette()};
    // Warm-up with what start-up itself loads (fonts, plugins, the markdown parser), before arming.
    renderAll(u"# Title\n\n**bold** _it_ `code` [link](https://example.com) > quote\n\n| a | b |\n|---|---|\n"
              u"| 1 | 2 |\n\n- item\n  1. sub\n\n```cpp\nint main() { return 0; } // c\n```\n"_s);
    g_trace = qEnvironmentVariableIsSet("ANYROUTER_FUZZ_TRACE_OPENS");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString markdown = QString::fromUtf8(reinterpret_cast<const char*>(data), qsizetype(size));
    // Armed only while rendering: libFuzzer itself reads the corpus and writes crash files.
    g_armed = true;
    renderAll(markdown);
    g_armed = false;
    return 0;
}
