#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace relaydesk {

// The bearer tokens the API accepts. Only SHA-256 digests are kept, and a presented token is
// compared against every digest in constant time, so neither timing nor a memory dump of a
// running server reveals a token.
class ApiTokenStore
{
public:
    static constexpr int GeneratedTokenBytes = 32; // 256 bits
    static constexpr int MinimumTokenLength = 16;

    ApiTokenStore() = default;
    // Configured tokens (config file + RELAYDESK_API_TOKEN); blank entries are skipped.
    explicit ApiTokenStore(const QStringList &tokens);

    // Returns false for tokens that are blank, contain whitespace or are shorter than
    // MinimumTokenLength.
    bool addToken(const QString &token);
    bool isEmpty() const { return m_entries.isEmpty(); }
    int count() const { return int(m_entries.size()); }

    bool verify(const QByteArray &presented) const;
    // The non-secret id of the matching token ("sha256:" + 12 hex digits), for logs and
    // request attribution; nullopt when no token matches.
    std::optional<QString> tokenId(const QByteArray &presented) const;

    // When no token is configured: reuse <dataDir>/api-token, or create it with a fresh token
    // (0600, directory created 0700). A token file readable by group or others is re-chmodded
    // to 0600. Returns the file path so the caller can log where the token is; returns an
    // empty string when tokens were configured (nothing to do) or on failure (*error is set).
    QString ensureGenerated(const QString &dataDir, QString *error = nullptr,
                            bool *created = nullptr);

    static QString tokenFilePath(const QString &dataDir);
    static QByteArray generateToken(); // base64url without padding, 43 characters
    static QString idForToken(QByteArrayView token);
    static bool isAcceptableToken(QByteArrayView token);

private:
    struct Entry {
        QByteArray digest;
        QString id;
    };

    static QByteArray digestOf(QByteArrayView token);
    static bool digestsEqual(const QByteArray &a, const QByteArray &b);
    static bool readTokenFile(const QString &path, QByteArray *token, QString *error);
    static bool writeTokenFile(const QString &path, const QByteArray &token, QString *error);

    QList<Entry> m_entries;
};

} // namespace relaydesk
