#include "fakes/fakeresponse.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QtGlobal>

namespace relaydesk {

namespace {

QByteArray contentTypeForSuffix(const QString &suffix)
{
    const QString s = suffix.toLower();
    if (s == QLatin1String("json"))
        return QByteArrayLiteral("application/json");
    if (s == QLatin1String("sse"))
        return QByteArrayLiteral("text/event-stream");
    if (s == QLatin1String("form"))
        return QByteArrayLiteral("application/x-www-form-urlencoded");
    if (s == QLatin1String("xml"))
        return QByteArrayLiteral("application/xml");
    if (s == QLatin1String("txt"))
        return QByteArrayLiteral("text/plain; charset=utf-8");
    return QByteArrayLiteral("application/octet-stream");
}

// Headers that describe how the recorded bytes travelled, not what they are; replaying them
// would contradict the decoded body we send.
bool isFramingHeader(const QByteArray &name)
{
    return name == "content-length" || name == "transfer-encoding" || name == "content-encoding" ||
           name == "connection" || name == "keep-alive";
}

void applyHeadersFile(const QString &headersPath, FakeResponse &response)
{
    QFile file(headersPath);
    if (!file.open(QIODevice::ReadOnly))
        return;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &rawLine : lines) {
        const QByteArray line = rawLine.trimmed();
        if (line.isEmpty())
            continue;
        if (line.startsWith('#')) {
            const QByteArray comment = line.mid(1).trimmed();
            if (comment.toLower().startsWith("status:")) {
                bool ok = false;
                const int status = comment.mid(7).trimmed().split(' ').value(0).toInt(&ok);
                if (ok && status >= 100 && status <= 999)
                    response.status = status;
            }
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (isFramingHeader(name))
            continue;
        auto it = response.headers.find(name);
        if (it == response.headers.end())
            response.headers.insert(name, value);
        else
            it.value() += '\n' + value;
    }
}

} // namespace

FakeResponse FakeResponse::json(int status, const QByteArray &body)
{
    FakeResponse response;
    response.status = status;
    response.headers.insert(QByteArrayLiteral("content-type"),
                            QByteArrayLiteral("application/json"));
    response.body = body;
    return response;
}

FakeResponse FakeResponse::text(int status, const QByteArray &body)
{
    FakeResponse response;
    response.status = status;
    response.headers.insert(QByteArrayLiteral("content-type"),
                            QByteArrayLiteral("text/plain; charset=utf-8"));
    response.body = body;
    return response;
}

FakeResponse FakeResponse::dropped()
{
    FakeResponse response;
    response.dropConnection = true;
    return response;
}

FakeResponse FakeResponse::withHeader(const QByteArray &name, const QByteArray &value) const
{
    FakeResponse copy = *this;
    copy.headers.insert(name, value);
    return copy;
}

FakeResponse FakeResponse::withDelay(int milliseconds) const
{
    FakeResponse copy = *this;
    copy.delayMs = milliseconds;
    return copy;
}

FakeResponse FakeResponse::streamed(int bytesPerChunk, int intervalMs) const
{
    FakeResponse copy = *this;
    copy.chunkSize = bytesPerChunk;
    copy.chunkIntervalMs = intervalMs;
    return copy;
}

FakeResponse FakeResponse::fromFile(const QString &path, std::optional<int> status)
{
    QString resolved = path;
    if (QFileInfo(path).isRelative()) {
        const QString fixturesDir = qEnvironmentVariable("RELAYDESK_FIXTURES_DIR");
        if (!fixturesDir.isEmpty())
            resolved = QDir(fixturesDir).filePath(path);
    }

    QFile file(resolved);
    if (!file.open(QIODevice::ReadOnly)) {
        qWarning("FakeResponse::fromFile: cannot read %s: %s", qUtf8Printable(resolved),
                 qUtf8Printable(file.errorString()));
        FakeResponse missing;
        missing.status = 500;
        missing.headers.insert(QByteArrayLiteral("content-type"),
                               QByteArrayLiteral("text/plain; charset=utf-8"));
        missing.body = "fixture not readable: " + resolved.toUtf8();
        return missing;
    }

    FakeResponse response;
    response.body = file.readAll();

    const QFileInfo info(resolved);
    if (!info.fileName().endsWith(QLatin1String(".headers.txt"))) {
        applyHeadersFile(
            info.dir().filePath(info.completeBaseName() + QLatin1String(".headers.txt")), response);
    }
    if (!response.headers.contains(QByteArrayLiteral("content-type")))
        response.headers.insert(QByteArrayLiteral("content-type"),
                                contentTypeForSuffix(info.suffix()));
    if (status)
        response.status = *status;
    return response;
}

} // namespace relaydesk
