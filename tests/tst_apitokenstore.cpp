#include "server/apitokenstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

using namespace relaydesk;

namespace {

// The permission bits as the kernel has them, so the test does not trust Qt's mapping.
int modeBits(const QString &path)
{
#ifdef Q_OS_UNIX
    struct stat info {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return int(info.st_mode & 0777);
#else
    Q_UNUSED(path);
    return 0600;
#endif
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

} // namespace

class TestApiTokenStore : public QObject
{
    Q_OBJECT

private slots:
    void verifiesConfiguredTokens()
    {
        const ApiTokenStore store(
            {QStringLiteral("first-token-aaaaaaaa"), QStringLiteral("second-token-bbbbbbbb")});
        QCOMPARE(store.count(), 2);
        QVERIFY(store.verify("first-token-aaaaaaaa"));
        QVERIFY(store.verify("second-token-bbbbbbbb"));
        QVERIFY(!store.verify("third-token-cccccccc"));
        QVERIFY(!store.verify(""));
        QVERIFY(!store.verify(QByteArray()));
    }

    void rejectsPrefixesLongerAndAlteredTokens()
    {
        const QByteArray token = "abcdefghijklmnopqrstuvwxyz012345";
        const ApiTokenStore store({QString::fromLatin1(token)});
        QVERIFY(store.verify(token));
        for (qsizetype length = 0; length < token.size(); ++length)
            QVERIFY2(!store.verify(token.left(length)), token.left(length).constData());
        QVERIFY(!store.verify(token + 'x'));
        QVERIFY(!store.verify(token + token));
        QVERIFY(!store.verify(' ' + token));
        QVERIFY(!store.verify(token.toUpper()));
        QByteArray lastByteChanged = token;
        lastByteChanged[lastByteChanged.size() - 1] = '6';
        QVERIFY(!store.verify(lastByteChanged));
    }

    void tokenIdIsStableAndNotTheSecret()
    {
        const QByteArray token = "a-long-enough-api-token";
        const ApiTokenStore store({QString::fromLatin1(token)});
        const std::optional<QString> id = store.tokenId(token);
        QVERIFY(id.has_value());
        QCOMPARE(*id, ApiTokenStore::idForToken(token));
        QVERIFY(id->startsWith(QStringLiteral("sha256:")));
        QCOMPARE(id->size(), 7 + 12);
        QVERIFY(!id->contains(QString::fromLatin1(token)));
        QVERIFY(!store.tokenId("a-long-enough-api-tokeN").has_value());
    }

    void skipsBlankShortAndWhitespaceTokens()
    {
        ApiTokenStore store({QString(), QStringLiteral("   "), QStringLiteral("short")});
        QVERIFY(store.isEmpty());
        QVERIFY(!store.addToken(QStringLiteral("has a space in the middle")));
        QVERIFY(!store.addToken(QStringLiteral("fifteen-chars15")));
        QVERIFY(store.addToken(QStringLiteral("sixteen-chars-16")));
        QVERIFY(store.addToken(QStringLiteral("sixteen-chars-16"))); // duplicate: accepted once
        QCOMPARE(store.count(), 1);
        // An empty store accepts nothing, not even an empty presentation.
        QVERIFY(!ApiTokenStore().verify(""));
    }

    void generatesUrlSafe256BitTokens()
    {
        const QByteArray first = ApiTokenStore::generateToken();
        const QByteArray second = ApiTokenStore::generateToken();
        QCOMPARE(first.size(), 43);
        QVERIFY(first != second);
        for (const char c : first)
            QVERIFY((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_');
        QCOMPARE(QByteArray::fromBase64(first, QByteArray::Base64UrlEncoding).size(), 32);
    }

    void ensureGeneratedCreatesAnOwnerOnlyFile()
    {
        QTemporaryDir temp;
        QVERIFY(temp.isValid());
        const QString dataDir = temp.filePath(QStringLiteral("nested/data"));

        ApiTokenStore store;
        QString error;
        bool created = false;
        const QString path = store.ensureGenerated(dataDir, &error, &created);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(path, ApiTokenStore::tokenFilePath(dataDir));
        QVERIFY(created);
        QVERIFY(QFileInfo::exists(path));
        QCOMPARE(modeBits(path), 0600);
        QCOMPARE(modeBits(dataDir), 0700);

        const QByteArray token = readAll(path).trimmed();
        QCOMPARE(token.size(), 43);
        QCOMPARE(store.count(), 1);
        QVERIFY(store.verify(token));
        // No temporary files are left next to it.
        QCOMPARE(QDir(dataDir).entryList(QDir::Files), QStringList{QStringLiteral("api-token")});
    }

    void ensureGeneratedReusesTheFileOnTheNextStart()
    {
        QTemporaryDir temp;
        ApiTokenStore firstRun;
        const QString path = firstRun.ensureGenerated(temp.path());
        QVERIFY(!path.isEmpty());
        const QByteArray token = readAll(path).trimmed();

        ApiTokenStore secondRun;
        bool created = true;
        QString error;
        QCOMPARE(secondRun.ensureGenerated(temp.path(), &error, &created), path);
        QVERIFY(error.isEmpty());
        QVERIFY(!created);
        QVERIFY(secondRun.verify(token));
        QCOMPARE(readAll(path).trimmed(), token);
    }

    void ensureGeneratedRestrictsAWorldReadableFile()
    {
        QTemporaryDir temp;
        const QString path = ApiTokenStore::tokenFilePath(temp.path());
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("an-operator-chosen-token-0123456789\n");
        }
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                QFileDevice::ReadGroup | QFileDevice::ReadOther));
#ifdef Q_OS_UNIX
        QCOMPARE(modeBits(path), 0644);
#endif
        ApiTokenStore store;
        bool created = true;
        QCOMPARE(store.ensureGenerated(temp.path(), nullptr, &created), path);
        QVERIFY(!created);
        QCOMPARE(modeBits(path), 0600);
        QVERIFY(store.verify("an-operator-chosen-token-0123456789"));
    }

    void ensureGeneratedReplacesAnUnusableFile()
    {
        QTemporaryDir temp;
        const QString path = ApiTokenStore::tokenFilePath(temp.path());
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("short\n");
        }
        ApiTokenStore store;
        bool created = false;
        QCOMPARE(store.ensureGenerated(temp.path(), nullptr, &created), path);
        QVERIFY(created);
        QVERIFY(!store.verify("short"));
        QVERIFY(store.verify(readAll(path).trimmed()));
        QCOMPARE(modeBits(path), 0600);
    }

    void ensureGeneratedDoesNothingWhenTokensAreConfigured()
    {
        QTemporaryDir temp;
        ApiTokenStore store({QStringLiteral("configured-token-123456")});
        QString error;
        QVERIFY(store.ensureGenerated(temp.path(), &error).isEmpty());
        QVERIFY(error.isEmpty());
        QVERIFY(!QFileInfo::exists(ApiTokenStore::tokenFilePath(temp.path())));
        QCOMPARE(store.count(), 1);
    }

    void ensureGeneratedReportsAnUnusableDataDir()
    {
        QTemporaryDir temp;
        // A regular file where the directory should be: fails even when running as root.
        const QString blocker = temp.filePath(QStringLiteral("not-a-dir"));
        {
            QFile file(blocker);
            QVERIFY(file.open(QIODevice::WriteOnly));
        }
        ApiTokenStore store;
        QString error;
        QVERIFY(store.ensureGenerated(blocker + QStringLiteral("/data"), &error).isEmpty());
        QVERIFY(!error.isEmpty());
        QVERIFY(store.isEmpty());

        QVERIFY(store.ensureGenerated(QString(), &error).isEmpty());
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestApiTokenStore)
#include "tst_apitokenstore.moc"
