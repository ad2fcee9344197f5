#include "channels/ecdsaverifier.h"

#include <QStringList>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

namespace relaydesk {

namespace {

struct KeyDeleter {
    void operator()(EVP_PKEY *key) const { EVP_PKEY_free(key); }
};
struct ContextDeleter {
    void operator()(EVP_MD_CTX *context) const { EVP_MD_CTX_free(context); }
};
using KeyPointer = std::unique_ptr<EVP_PKEY, KeyDeleter>;
using ContextPointer = std::unique_ptr<EVP_MD_CTX, ContextDeleter>;

// OpenSSL keeps failures on a per-thread queue; leaving them there would confuse the next
// caller on this thread (Qt's own TLS code among them).
struct ErrorQueueGuard {
    ~ErrorQueueGuard() { ERR_clear_error(); }
};

KeyPointer loadKey(const QString &publicKey, QString *error)
{
    auto fail = [error](const QString &reason) {
        if (error)
            *error = reason;
        return KeyPointer();
    };
    const QByteArray der = EcdsaVerifier::decodePublicKey(publicKey);
    if (der.isEmpty())
        return fail(QStringLiteral("the key is neither base64 DER nor a PEM PUBLIC KEY block"));
    const auto *cursor = reinterpret_cast<const unsigned char *>(der.constData());
    KeyPointer key(d2i_PUBKEY(nullptr, &cursor, long(der.size())));
    if (!key)
        return fail(QStringLiteral("the key is not a DER SubjectPublicKeyInfo"));
    if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC)
        return fail(QStringLiteral("the key is not an elliptic-curve key"));
    char group[80] = {};
    size_t length = 0;
    if (EVP_PKEY_get_group_name(key.get(), group, sizeof group, &length) != 1 ||
        QByteArrayView(group, qsizetype(length)) != QByteArrayView("prime256v1"))
        return fail(QStringLiteral("the key is not on curve P-256"));
    return key;
}

} // namespace

QByteArray EcdsaVerifier::decodePublicKey(const QString &publicKey)
{
    const QString text = publicKey.trimmed();
    QByteArray base64;
    if (text.contains(QLatin1String("-----BEGIN"))) {
        bool inside = false;
        for (const QString &line : text.split(QLatin1Char('\n'))) {
            const QString trimmedLine = line.trimmed();
            if (trimmedLine.startsWith(QLatin1String("-----BEGIN"))) {
                inside = trimmedLine.contains(QLatin1String("PUBLIC KEY"));
                continue;
            }
            if (trimmedLine.startsWith(QLatin1String("-----END"))) {
                if (inside)
                    break;
                continue;
            }
            if (inside)
                base64 += trimmedLine.toLatin1();
        }
    } else {
        for (QChar c : text) {
            if (!c.isSpace())
                base64 += c.toLatin1();
        }
    }
    if (base64.isEmpty())
        return {};
    auto decoded = QByteArray::fromBase64Encoding(base64, QByteArray::AbortOnBase64DecodingErrors);
    return decoded ? *decoded : QByteArray();
}

bool EcdsaVerifier::isUsableKey(const QString &publicKey, QString *error)
{
    ErrorQueueGuard guard;
    return loadKey(publicKey, error) != nullptr;
}

bool EcdsaVerifier::verify(const QString &publicKey, QByteArrayView message,
                           QByteArrayView signature)
{
    if (signature.isEmpty())
        return false;
    ErrorQueueGuard guard;
    const KeyPointer key = loadKey(publicKey, nullptr);
    if (!key)
        return false;
    const ContextPointer context(EVP_MD_CTX_new());
    if (!context ||
        EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1)
        return false;
    static const unsigned char empty = 0;
    const auto *data =
        message.isEmpty() ? &empty : reinterpret_cast<const unsigned char *>(message.data());
    const int verified =
        EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char *>(signature.data()),
                         size_t(signature.size()), data, size_t(message.size()));
    return verified == 1;
}

} // namespace relaydesk
