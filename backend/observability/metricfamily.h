#pragma once

#include <QByteArray>
#include <QReadWriteLock>
#include <QString>
#include <QStringList>

#include <functional>
#include <map>
#include <memory>

namespace relaydesk {

// Common part of every Prometheus metric family: identity, the label-values -> child map and the
// text-format helpers. Children are created on first use and never removed, so the pointers
// handed out stay valid for the family's lifetime and callers may cache them on hot paths.
class MetricFamily {
public:
    enum class Type { Counter, Gauge, Histogram };

    class ChildBase {
    public:
        virtual ~ChildBase() = default;
    };

    virtual ~MetricFamily();
    MetricFamily(const MetricFamily &) = delete;
    MetricFamily &operator=(const MetricFamily &) = delete;

    QString name() const { return m_name; }
    QString help() const { return m_help; }
    Type type() const { return m_type; }
    QStringList labelNames() const { return m_labelNames; }

    // Appends "# HELP", "# TYPE" and the samples; appends nothing while there is no sample.
    void render(QByteArray &out) const;

    static bool isValidMetricName(const QString &name);
    static bool isValidLabelName(const QString &name);
    static QByteArray typeName(Type type);
    static QByteArray formatDouble(double value);
    static QByteArray escapeLabelValue(const QString &value);
    static QByteArray escapeHelp(const QString &help);

protected:
    MetricFamily(Type type, const QString &name, const QString &help,
                 const QStringList &labelNames);

    ChildBase *childFor(const QStringList &labelValues);
    const ChildBase *findChild(const QStringList &labelValues) const;
    void forEachChild(const std::function<void(const QStringList &labelValues,
                                               const ChildBase &child)> &fn) const;

    virtual std::unique_ptr<ChildBase> createChild() const = 0;
    virtual void renderChild(QByteArray &out, const QStringList &labelValues,
                             const ChildBase &child) const = 0;
    virtual void renderSamples(QByteArray &out) const;

    // Writes `sampleName{labels} value`; extraName/extraValue carry the histogram "le" label.
    void appendSample(QByteArray &out, const QByteArray &sampleName, const QStringList &labelValues,
                      const QByteArray &value, const QByteArray &extraName = {},
                      const QByteArray &extraValue = {}) const;

private:
    QStringList normalizedLabelValues(const QStringList &labelValues) const;

    const Type m_type;
    const QString m_name;
    const QString m_help;
    const QStringList m_labelNames;
    mutable QReadWriteLock m_lock;
    std::map<QStringList, std::unique_ptr<ChildBase>> m_children;
};

} // namespace relaydesk
