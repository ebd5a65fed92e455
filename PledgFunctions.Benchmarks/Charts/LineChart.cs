using System.Globalization;
using System.Net;
using System.Text;

namespace PledgFunctions.Benchmarks.Charts;

/// <summary>One line of a chart: its points in data units; dashed (a second host, a target line), a
/// colour of its own or the palette's <paramref name="Color"/>-th (one per measure across hosts), dots or none.</summary>
public sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points, bool Dashed = false, int? Color = null, bool Dots = true);

/// <summary>A line chart as plain SVG: axes from zero (or the data's least x), about five round
/// ticks each, a polyline per series with a dot per point (none past 30 points, where the line is
/// the data) and a legend on the right. Numbers are written invariantly, so the same results make
/// the same file byte for byte.</summary>
public static class LineChart
{
    private const double Width = 720, Height = 400, Left = 64, Right = 210, Top = 58, Bottom = 52;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#7f7f7f"];

    public static string Render(string title, string subtitle, string xLabel, string yLabel, IReadOnlyList<Series> series, bool xFromZero = true)
    {
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        if (points.Count == 0) throw new ArgumentException($"'{title}' has no finite point to draw", nameof(series));
        var (xTicks, xMin, xMax) = Ticks(xFromZero ? Math.Min(0, points.Min(p => p.X)) : points.Min(p => p.X), points.Max(p => p.X));
        var (yTicks, yMin, yMax) = Ticks(Math.Min(0, points.Min(p => p.Y)), points.Max(p => p.Y));
        // One subtitle line per run the chart draws from.
        var subtitles = subtitle.Split('\n');
        var top = Top + 14 * (subtitles.Length - 1);
        var height = Height + 14 * (subtitles.Length - 1);
        var plotWidth = Width - Left - Right;
        var plotHeight = height - top - Bottom;
        double X(double x) => Left + (x - xMin) / (xMax - xMin) * plotWidth;
        double Y(double y) => top + plotHeight - (y - yMin) / (yMax - yMin) * plotHeight;

        var svg = new StringBuilder();
        svg.AppendLine(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        svg.AppendLine(Invariant($"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>"));
        svg.AppendLine(Invariant($"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{Text(title)}</text>"));
        for (var line = 0; line < subtitles.Length; line++)
            svg.AppendLine(Invariant($"<text x=\"{Width / 2}\" y=\"{40 + 14 * line}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">{Text(subtitles[line])}</text>"));
        foreach (var tick in xTicks)
        {
            svg.AppendLine(Invariant($"<line x1=\"{X(tick):F1}\" y1=\"{top}\" x2=\"{X(tick):F1}\" y2=\"{top + plotHeight}\" stroke=\"#e5e5e5\"/>"));
            svg.AppendLine(Invariant($"<text x=\"{X(tick):F1}\" y=\"{top + plotHeight + 16}\" text-anchor=\"middle\">{Number(tick)}</text>"));
        }
        foreach (var tick in yTicks)
        {
            svg.AppendLine(Invariant($"<line x1=\"{Left}\" y1=\"{Y(tick):F1}\" x2=\"{Left + plotWidth}\" y2=\"{Y(tick):F1}\" stroke=\"#e5e5e5\"/>"));
            svg.AppendLine(Invariant($"<text x=\"{Left - 6}\" y=\"{Y(tick) + 4:F1}\" text-anchor=\"end\">{Number(tick)}</text>"));
        }
        svg.AppendLine(Invariant($"<rect x=\"{Left}\" y=\"{top}\" width=\"{plotWidth}\" height=\"{plotHeight}\" fill=\"none\" stroke=\"#333\"/>"));
        svg.AppendLine(Invariant($"<text x=\"{Left + plotWidth / 2}\" y=\"{height - 12}\" text-anchor=\"middle\">{Text(xLabel)}</text>"));
        svg.AppendLine(Invariant($"<text transform=\"translate(16 {top + plotHeight / 2}) rotate(-90)\" text-anchor=\"middle\">{Text(yLabel)}</text>"));

        for (var i = 0; i < series.Count; i++)
        {
            var (s, color) = (series[i], Colors[(series[i].Color ?? i) % Colors.Length]);
            var drawn = s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
            var dash = s.Dashed ? " stroke-dasharray=\"6 4\"" : "";
            svg.AppendLine($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"{dash} points=\"" +
                           string.Join(' ', drawn.Select(p => Invariant($"{X(p.X):F1},{Y(p.Y):F1}"))) + "\"/>");
            if (s.Dots && drawn.Count <= 30)
                foreach (var p in drawn) svg.AppendLine(Invariant($"<circle cx=\"{X(p.X):F1}\" cy=\"{Y(p.Y):F1}\" r=\"3\" fill=\"{color}\"/>"));
            var legendY = top + 8 + i * 20;
            var legendX = Left + plotWidth + 14;
            svg.AppendLine(Invariant($"<line x1=\"{legendX}\" y1=\"{legendY}\" x2=\"{legendX + 22}\" y2=\"{legendY}\" stroke=\"{color}\" stroke-width=\"2\"{dash}/>"));
            svg.AppendLine(Invariant($"<text x=\"{legendX + 28}\" y=\"{legendY + 4}\">{Text(s.Name)}</text>"));
        }
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    /// <summary>Round ticks (1, 2 or 5 × 10^k apart) covering [min, max].</summary>
    public static (double[] Ticks, double Min, double Max) Ticks(double min, double max)
    {
        if (max <= min) max = min + 1;
        var raw = (max - min) / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        var first = Math.Floor(min / step) * step;
        var last = Math.Ceiling(max / step) * step;
        var count = (int)Math.Round((last - first) / step);
        return ([.. Enumerable.Range(0, count + 1).Select(i => first + i * step)], first, last);
    }

    private static string Number(double value) => Math.Round(value, 6).ToString("#,0.##", CultureInfo.InvariantCulture);

    private static string Text(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
