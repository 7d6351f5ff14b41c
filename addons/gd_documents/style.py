# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The house style of every generated document: fonts, title, document
number, tables and charts, shared by the XLSX, DOCX and PDF outputs.

A report describes its content once, with the blocks of this module
(Heading, Paragraph, Table, Chart, KeyValues), and the engine lays it out
in each format."""
import io
import re
import threading
from dataclasses import dataclass, field

# Official documents are set in 仿宋 (body) and 黑体 (headings), with
# 小标宋 for the title (GB/T 9704). Where those fonts are missing, Noto CJK
# of fonts-noto-cjk takes their place: it is the font embedded in PDFs.
BODY_FONTS = ['仿宋_GB2312', '仿宋', 'FangSong', 'Noto Serif CJK SC']
HEADING_FONTS = ['黑体', 'SimHei', 'Noto Sans CJK SC']
TITLE_FONTS = ['方正小标宋简体', '华文中宋', 'Noto Serif CJK SC']
# The name written into XLSX and DOCX files: the reader's office suite
# substitutes what it has
BODY_FONT = '仿宋'
HEADING_FONT = '黑体'
TITLE_FONT = '方正小标宋简体'
CHART_FONT = 'Noto Sans CJK SC'
# Sizes in points: 二号 title, 三号 body and 四号 tables (GB/T 9704)
TITLE_SIZE = 22
BODY_SIZE = 16
TABLE_SIZE = 12
SMALL_SIZE = 10.5
# The red of 红头 documents and the colours of charts
RED = '#C00000'
HEADER_FILL = '#D9E1F2'
# Inches, as matplotlib counts
CHART_SIZE = (7, 3.2)
CHART_COLOURS = [
    '#2F5597', '#C00000', '#548235', '#BF9000', '#7030A0', '#2E75B6']


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Paragraph:
    text: str
    align: str = 'left'


@dataclass
class KeyValues:
    "Label and value pairs, laid out as a two-column table"
    items: list


@dataclass
class Column:
    label: str
    width: float = 12     # in characters
    kind: str = 'text'    # text, integer, number, date, percent


@dataclass
class Table:
    columns: list
    rows: list
    title: str = ''
    totals: list = None   # a last row, or None


@dataclass
class Chart:
    title: str
    categories: list
    series: list          # [(name, [values])]
    kind: str = 'column'  # column, bar, line, pie
    x_title: str = ''
    y_title: str = ''


@dataclass
class Content:
    "What a report says, independent of its format"
    title: str
    number: str = ''
    subtitle: str = ''
    sheet: str = ''
    blocks: list = field(default_factory=list)
    # The organisation printed in red above a PDF's title (红头)
    issuer: str = ''


def paragraphs(text, align='left'):
    "A Paragraph for each non-empty line of text"
    return [Paragraph(line.strip(), align)
        for line in (text or '').splitlines() if line.strip()]


def css():
    "The style sheet of the HTML (PDF) outputs"
    body = ', '.join(f'"{f}"' for f in BODY_FONTS)
    heading = ', '.join(f'"{f}"' for f in HEADING_FONTS)
    title = ', '.join(f'"{f}"' for f in TITLE_FONTS)
    return f"""
@page {{
    size: A4;
    margin: 30mm 24mm 25mm 26mm;
    @top-right {{
        content: string(number);
        font-family: {body}; font-size: {SMALL_SIZE}pt;
    }}
    @top-left {{
        content: string(issuer);
        font-family: {body}; font-size: {SMALL_SIZE}pt;
    }}
    @bottom-center {{
        content: "第 " counter(page) " 页，共 " counter(pages) " 页";
        font-family: {body}; font-size: {SMALL_SIZE}pt;
    }}
}}
html {{ font-family: {body}; font-size: {TABLE_SIZE}pt; line-height: 1.4; }}
.document {{ page-break-after: always; }}
.document:last-child {{ page-break-after: auto; }}
.issuer {{ string-set: issuer content(); color: {RED};
    font-family: {title}; font-size: 26pt; text-align: center;
    letter-spacing: 0.1em; margin: 0; }}
.docnumber {{ string-set: number content(); text-align: center;
    font-size: {BODY_SIZE}pt; margin: 0.5em 0 0.2em; }}
.rule {{ border: none; border-top: 2pt solid {RED}; margin: 0 0 1em; }}
h1 {{ font-family: {title}; font-size: 20pt; text-align: center;
    font-weight: normal; margin: 0.8em 0; }}
h2 {{ font-family: {heading}; font-size: {TABLE_SIZE}pt; font-weight: normal;
    margin: 0.6em 0 0.2em; }}
table {{ border-collapse: collapse; width: 100%;
    font-size: {SMALL_SIZE}pt; }}
th, td {{ border: 0.5pt solid #000; padding: 2pt 4pt; }}
th {{ font-family: {heading}; font-weight: normal;
    background: {HEADER_FILL}; }}
td.number, th.number {{ text-align: right; }}
tr.totals td {{ font-family: {heading}; }}
p.body {{ text-indent: 2em; margin: 0.2em 0; }}
p.right {{ text-align: right; margin: 1em 0 0; }}
.subtitle {{ text-align: center; margin: 0 0 0.8em; }}
table.keys th {{ width: 25%; text-align: left; }}
.chart {{ text-align: center; margin-top: 0.3em; }}
"""


# matplotlib's pyplot state is global: draw one chart at a time
_chart_lock = threading.Lock()


def chart_font_path():
    """The file of the CJK font for charts, found by matplotlib's font
    manager among the system fonts (fonts-noto-cjk)"""
    from matplotlib import font_manager
    return font_manager.findfont(
        font_manager.FontProperties(family=CHART_FONT),
        fallback_to_default=False)


def chart_image(chart, format='png', dpi=150):
    """Draw the chart with matplotlib in the CJK font; return PNG bytes or
    SVG text (with its text kept as text)"""
    import matplotlib
    matplotlib.use('Agg', force=False)
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.ticker import MaxNLocator

    font = FontProperties(fname=chart_font_path(), size=12)
    title_font = FontProperties(fname=chart_font_path(), size=14)
    with _chart_lock, matplotlib.rc_context({
                'svg.fonttype': 'none',
                'font.family': 'sans-serif',
                'font.sans-serif': [CHART_FONT, 'DejaVu Sans'],
                'axes.unicode_minus': False,
                }):
        figure = Figure(figsize=CHART_SIZE)
        axes = figure.subplots()
        categories = [str(c) for c in chart.categories]
        if chart.kind == 'pie':
            name, values = chart.series[0]
            axes.pie(
                values, labels=categories, colors=CHART_COLOURS,
                autopct=lambda p: f'{p:.0f}%',
                textprops={'fontproperties': font})
            axes.axis('equal')
        else:
            count = len(chart.series)
            width = 0.8 / max(count, 1)
            positions = range(len(categories))
            for i, (name, values) in enumerate(chart.series):
                colour = CHART_COLOURS[i % len(CHART_COLOURS)]
                if chart.kind == 'line':
                    axes.plot(
                        list(positions), values, marker='o', label=name,
                        color=colour)
                else:
                    offsets = [p - 0.4 + width * (i + 0.5) for p in positions]
                    draw = axes.barh if chart.kind == 'bar' else axes.bar
                    bars = draw(offsets, values, width, label=name,
                        color=colour)
                    axes.bar_label(bars, fontproperties=font)
            ticks = axes.set_yticks if chart.kind == 'bar' else axes.set_xticks
            ticks(list(positions), categories)
            for label in (axes.get_xticklabels() + axes.get_yticklabels()):
                label.set_fontproperties(font)
            if chart.x_title:
                axes.set_xlabel(chart.x_title, fontproperties=font)
            if chart.y_title:
                axes.set_ylabel(chart.y_title, fontproperties=font)
            # Counts: whole numbers on the value axis
            value_axis = axes.xaxis if chart.kind == 'bar' else axes.yaxis
            value_axis.set_major_locator(MaxNLocator(integer=True))
            if count > 1:
                axes.legend(prop=font)
            axes.spines[['top', 'right']].set_visible(False)
        axes.set_title(chart.title, fontproperties=title_font)
        figure.tight_layout()
        output = io.BytesIO()
        figure.savefig(output, format=format, dpi=dpi)
    if format == 'svg':
        return output.getvalue().decode('utf-8')
    return output.getvalue()


def chart_svg(chart, width=85):
    """The chart as inline SVG markup for the HTML outputs, width
    millimetres wide"""
    svg = chart_image(chart, format='svg')
    # Drop the XML prolog and DOCTYPE: the SVG goes inside HTML
    svg = svg[svg.index('<svg'):]
    # Size it in millimetres; its viewBox keeps the drawing's proportions
    height = width * CHART_SIZE[1] / CHART_SIZE[0]
    svg = re.sub(r'width="[^"]*"', f'width="{width}mm"', svg, count=1)
    return re.sub(r'height="[^"]*"', f'height="{height:.1f}mm"', svg, count=1)
