#include "observability/metricfamily.h"

#include <QReadLocker>
#include <QWriteLocker>
#include <QtGlobal>

#include <charconv>
#include <cmath>

namespace relaydesk {

namespace {

bool isAsciiLetter(QChar c) {
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z');
}

bool isAsciiDigit(QChar c) {
    return c >= u'0' && c <= u'9';
}

} // namespace

MetricFamily::MetricFamily(Type type, const QString &name, const QString &help,
                           const QStringList &labelNames)
    : m_type(type)
    , m_name(name)
    , m_help(help)
    , m_labelNames(labelNames) {}

MetricFamily::~MetricFamily() = default;

void MetricFamily::render(QByteArray &out) const {
    QByteArray samples;
    renderSamples(samples);
    if (samples.isEmpty())
        return;
    const QByteArray name = m_name.toUtf8();
    out += "# HELP " + name + ' ' + escapeHelp(m_help) + '\n';
    out += "# TYPE " + name + ' ' + typeName(m_type) + '\n';
    out += samples;
}

bool MetricFamily::isValidMetricName(const QString &name) {
    if (name.isEmpty())
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name.at(i);
        const bool ok = isAsciiLetter(c) || c == u'_' || c == u':' || (i > 0 && isAsciiDigit(c));
        if (!ok)
            return false;
    }
    return true;
}

bool MetricFamily::isValidLabelName(const QString &name) {
    // Names starting with "__" are reserved for Prometheus itself.
    if (name.isEmpty() || name.startsWith(QLatin1String("__")))
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name.at(i);
        const bool ok = isAsciiLetter(c) || c == u'_' || (i > 0 && isAsciiDigit(c));
        if (!ok)
            return false;
    }
    return true;
}

QByteArray MetricFamily::typeName(Type type) {
    switch (type) {
    case Type::Counter:
        return QByteArrayLiteral("counter");
    case Type::Gauge:
        return QByteArrayLiteral("gauge");
    case Type::Histogram:
        return QByteArrayLiteral("histogram");
    }
    return QByteArrayLiteral("untyped");
}

QByteArray MetricFamily::formatDouble(double value) {
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    // Shortest round-trip digits (0.1 stays "0.1", not 0.10000000000000001), written in fixed
    // notation over the range people read as plain numbers so bucket bounds look like "0.0005"
    // and counters like "12345678901" rather than "5e-04" and "1.2345678901e+10".
    const double magnitude = std::fabs(value);
    const bool fixed = magnitude == 0.0 || (magnitude >= 1e-4 && magnitude < 1e21);
    char buffer[64];
    const auto result =
        fixed ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
              : std::to_chars(buffer, buffer + sizeof buffer, value);
    return QByteArray(buffer, result.ptr - buffer);
}

QByteArray MetricFamily::escapeLabelValue(const QString &value) {
    const QByteArray utf8 = value.toUtf8();
    QByteArray out;
    out.reserve(utf8.size());
    for (const char c : utf8) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '"':
            out += "\\\"";
            break;
        case '\n':
            out += "\\n";
            break;
        default:
            out += c;
        }
    }
    return out;
}

QByteArray MetricFamily::escapeHelp(const QString &help) {
    const QByteArray utf8 = help.toUtf8();
    QByteArray out;
    out.reserve(utf8.size());
    for (const char c : utf8) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        default:
            out += c;
        }
    }
    return out;
}

MetricFamily::ChildBase *MetricFamily::childFor(const QStringList &labelValues) {
    const QStringList key = normalizedLabelValues(labelValues);
    {
        QReadLocker locker(&m_lock);
        const auto it = m_children.find(key);
        if (it != m_children.end())
            return it->second.get();
    }
    QWriteLocker locker(&m_lock);
    auto &slot = m_children[key];
    if (!slot)
        slot = createChild();
    return slot.get();
}

const MetricFamily::ChildBase *MetricFamily::findChild(const QStringList &labelValues) const {
    const QStringList key = normalizedLabelValues(labelValues);
    QReadLocker locker(&m_lock);
    const auto it = m_children.find(key);
    return it == m_children.end() ? nullptr : it->second.get();
}

void MetricFamily::forEachChild(
    const std::function<void(const QStringList &labelValues, const ChildBase &child)> &fn) const {
    QReadLocker locker(&m_lock);
    for (const auto &[labelValues, child] : m_children)
        fn(labelValues, *child);
}

void MetricFamily::renderSamples(QByteArray &out) const {
    forEachChild([this, &out](const QStringList &labelValues, const ChildBase &child) {
        renderChild(out, labelValues, child);
    });
}

void MetricFamily::appendSample(QByteArray &out, const QByteArray &sampleName,
                                const QStringList &labelValues, const QByteArray &value,
                                const QByteArray &extraName, const QByteArray &extraValue) const {
    out += sampleName;
    const bool hasExtra = !extraName.isEmpty();
    if (!m_labelNames.isEmpty() || hasExtra) {
        out += '{';
        for (qsizetype i = 0; i < m_labelNames.size(); ++i) {
            if (i > 0)
                out += ',';
            out +=
                m_labelNames.at(i).toUtf8() + "=\"" + escapeLabelValue(labelValues.value(i)) + '"';
        }
        if (hasExtra) {
            if (!m_labelNames.isEmpty())
                out += ',';
            out += extraName + "=\"" + extraValue + '"';
        }
        out += '}';
    }
    out += ' ' + value + '\n';
}

QStringList MetricFamily::normalizedLabelValues(const QStringList &labelValues) const {
    if (labelValues.size() == m_labelNames.size())
        return labelValues;
    // A wrong label count is a programming error, but losing a metric beats taking the server
    // down from a rarely used code path; say so loudly and keep the exposition well formed.
    qWarning("metric %s expects %lld label values, got %lld", qPrintable(m_name),
             static_cast<long long>(m_labelNames.size()),
             static_cast<long long>(labelValues.size()));
    QStringList fixed = labelValues.mid(0, m_labelNames.size());
    while (fixed.size() < m_labelNames.size())
        fixed.append(QString());
    return fixed;
}

} // namespace relaydesk
