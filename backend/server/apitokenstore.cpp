#include "server/apitokenstore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

namespace relaydesk {

namespace {

constexpr QFileDevice::Permissions OwnerOnlyFile = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions OwnerOnlyDir =
    QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner;
constexpr QFileDevice::Permissions GroupOrOther = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                                  QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                                  QFileDevice::WriteOther | QFileDevice::ExeOther;

void setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
}

} // namespace

ApiTokenStore::ApiTokenStore(const QStringList &tokens)
{
    for (const QString &token : tokens) {
        if (token.trimmed().isEmpty())
            continue;
        if (!addToken(token.trimmed()))
            qWarning("ApiTokenStore: ignoring an API token that is shorter than %d characters "
                     "or contains whitespace",
                     MinimumTokenLength);
    }
}

bool ApiTokenStore::addToken(const QString &token)
{
    const QByteArray bytes = token.toUtf8();
    if (!isAcceptableToken(bytes))
        return false;
    Entry entry{digestOf(bytes), idForToken(bytes)};
    for (const Entry &existing : std::as_const(m_entries)) {
        if (existing.digest == entry.digest)
            return true;
    }
    m_entries.append(entry);
    return true;
}

bool ApiTokenStore::isAcceptableToken(QByteArrayView token)
{
    if (token.size() < MinimumTokenLength || token.size() > 4096)
        return false;
    for (const char c : token) {
        if (uchar(c) <= 0x20 || c == 0x7f)
            return false;
    }
    return true;
}

QByteArray ApiTokenStore::digestOf(QByteArrayView token)
{
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256);
}

bool ApiTokenStore::digestsEqual(const QByteArray &a, const QByteArray &b)
{
    // Both are 32-byte digests; the volatile accumulator keeps the compiler from turning the
    // loop into an early-exit memcmp.
    if (a.size() != b.size())
        return false;
    volatile unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference = difference | (uchar(a.at(i)) ^ uchar(b.at(i)));
    return difference == 0;
}

std::optional<QString> ApiTokenStore::tokenId(const QByteArray &presented) const
{
    if (presented.isEmpty())
        return std::nullopt;
    const QByteArray digest = digestOf(presented);
    // Every entry is compared even after a hit so the time taken does not say which
    // configured token matched.
    std::optional<QString> found;
    for (const Entry &entry : m_entries) {
        if (digestsEqual(digest, entry.digest) && !found)
            found = entry.id;
    }
    return found;
}

bool ApiTokenStore::verify(const QByteArray &presented) const
{
    return tokenId(presented).has_value();
}

QString ApiTokenStore::idForToken(QByteArrayView token)
{
    return QStringLiteral("sha256:") + QString::fromLatin1(digestOf(token).toHex().left(12));
}

QByteArray ApiTokenStore::generateToken()
{
    QByteArray random(GeneratedTokenBytes, Qt::Uninitialized);
    // QRandomGenerator::system() is the OS CSPRNG.
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(random.data()),
                                          GeneratedTokenBytes / int(sizeof(quint32)));
    return random.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QString ApiTokenStore::tokenFilePath(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("api-token"));
}

bool ApiTokenStore::readTokenFile(const QString &path, QByteArray *token, QString *error)
{
    QFile file(path);
#ifdef Q_OS_UNIX
    // Elsewhere Qt reports synthetic permission bits; the ACLs of the data dir protect the file.
    if (file.permissions() & GroupOrOther) {
        qWarning("ApiTokenStore: %ls was readable by other users; restricting it to 0600",
                 qUtf16Printable(path));
        if (!file.setPermissions(OwnerOnlyFile)) {
            setError(error, QStringLiteral("cannot restrict permissions of %1: %2")
                                .arg(path, file.errorString()));
            return false;
        }
    }
#endif
    if (!file.open(QIODevice::ReadOnly)) {
        setError(error, QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
        return false;
    }
    *token = file.read(8192).trimmed();
    return true;
}

bool ApiTokenStore::writeTokenFile(const QString &path, const QByteArray &token, QString *error)
{
    // Written under a temporary name created 0600 from the start (no window in which the token
    // is world-readable), then renamed: a crash never leaves a half-written token behind.
    const QString temporary = path + QStringLiteral(".tmp-") +
                              QString::number(QRandomGenerator::global()->generate(), 16);
    QFile file(temporary);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, OwnerOnlyFile)) {
        setError(error, QStringLiteral("cannot create %1: %2").arg(temporary, file.errorString()));
        return false;
    }
    file.setPermissions(OwnerOnlyFile);
    const bool written = file.write(token + '\n') == token.size() + 1 && file.flush();
    file.close();
    if (!written) {
        setError(error, QStringLiteral("cannot write %1: %2").arg(temporary, file.errorString()));
        QFile::remove(temporary);
        return false;
    }
    if (!QFile::rename(temporary, path)) {
        QFile::remove(temporary);
        setError(error, QStringLiteral("cannot move the token file into place at %1").arg(path));
        return false;
    }
    return true;
}

QString ApiTokenStore::ensureGenerated(const QString &dataDir, QString *error, bool *created)
{
    if (created)
        *created = false;
    if (!m_entries.isEmpty())
        return {};
    if (dataDir.isEmpty()) {
        setError(error, QStringLiteral("no data directory to keep the generated API token in"));
        return {};
    }

    const QDir dir(dataDir);
    if (!dir.exists()) {
        if (!QDir().mkpath(dataDir)) {
            setError(error, QStringLiteral("cannot create data directory %1").arg(dataDir));
            return {};
        }
        QFile::setPermissions(dataDir, OwnerOnlyDir);
    }

    const QString path = tokenFilePath(dataDir);
    QByteArray token;
    if (QFileInfo::exists(path)) {
        if (!readTokenFile(path, &token, error))
            return {};
        if (isAcceptableToken(token)) {
            addToken(QString::fromUtf8(token));
            return path;
        }
        qWarning("ApiTokenStore: %ls does not hold a usable token; replacing it",
                 qUtf16Printable(path));
        if (!QFile::remove(path)) {
            setError(error, QStringLiteral("cannot replace the unusable token file %1").arg(path));
            return {};
        }
    }

    token = generateToken();
    if (!writeTokenFile(path, token, error)) {
        // Another instance sharing the data directory may have won the race: use its token.
        QByteArray existing;
        QString readError;
        if (QFileInfo::exists(path) && readTokenFile(path, &existing, &readError) &&
            isAcceptableToken(existing)) {
            addToken(QString::fromUtf8(existing));
            if (error)
                error->clear();
            return path;
        }
        return {};
    }
    addToken(QString::fromUtf8(token));
    if (created)
        *created = true;
    return path;
}

} // namespace relaydesk
