#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace relaydesk {

// ECDSA P-256 / SHA-256 signature checks with OpenSSL, as SendGrid's signed Event Webhook needs.
// Stateless and thread-safe: the key is parsed on every call, so a bad key or signature is just
// a false answer, never a crash or a dangling handle.
class EcdsaVerifier
{
public:
    // The SubjectPublicKeyInfo in DER as bytes, from base64 (the form SendGrid's settings page
    // shows) or a PEM "PUBLIC KEY" block; empty when neither decodes.
    static QByteArray decodePublicKey(const QString &publicKey);
    // True for a well-formed P-256 public key; `error` says why not.
    static bool isUsableKey(const QString &publicKey, QString *error = nullptr);
    // `signature` is the DER-encoded ECDSA signature (ASN.1 SEQUENCE of r and s).
    static bool verify(const QString &publicKey, QByteArrayView message, QByteArrayView signature);
};

} // namespace relaydesk
