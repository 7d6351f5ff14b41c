# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The document engine: Tryton reports that write XLSX (xlsxwriter), DOCX
(python-docx) and PDF (weasyprint, through Tryton's HTML report path) in
the house style of style.py.

Tryton still runs execute(): access checks, the records, the file name and
the zip of several documents. A subclass of XlsxReport or DocxReport only
implements get_content(records, data) and returns a style.Content; its
ir.action.report has template_extension "txt", extension "xlsx" or "docx"
and no template. A PdfReport does the same for PDF: its ir.action.report
has template_extension "html", extension "pdf" and the shared template
gd_documents/content.html, which lays the Content out in the house style.
A PDF with a layout of its own is an HtmlReport with its own Genshi
template that uses house.css() and house.chart(...)."""
import io
import math

from genshi.core import Markup

from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction

from . import style


class HouseStyleMixin:
    "What every output of the engine offers its content"
    __slots__ = ()
    # Marks the reports of the engine (served by routes.py)
    house_style = True

    @classmethod
    def format_value(cls, value, kind='text'):
        "A value of a table cell as text in the reader's language"
        pool = Pool()
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        if value is None or value == '':
            return ''
        if kind in {'integer', 'number', 'percent'} and not isinstance(
                value, (int, float)):
            return str(value)
        if kind == 'date':
            return lang.strftime(value)
        if kind == 'integer':
            return lang.format('%d', value, grouping=True)
        if kind == 'number':
            return lang.format('%.2f', value, grouping=True)
        if kind == 'percent':
            return lang.format('%.1f', value * 100) + '%'
        return str(value)

    @classmethod
    def get_content(cls, records, data):
        "Return the style.Content of the records"
        raise NotImplementedError


class XlsxReport(HouseStyleMixin, Report):
    "A report written as an XLSX workbook, with native charts"

    @classmethod
    def render(cls, report, report_context):
        content = cls.get_content(
            report_context['records'], report_context['data'])
        return cls.write_xlsx(content)

    @classmethod
    def convert(cls, report, data, **kwargs):
        return 'xlsx', data

    @classmethod
    def write_xlsx(cls, content):
        import xlsxwriter
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {'in_memory': True})
        workbook.set_properties({
                'title': content.title,
                'subject': content.number,
                })
        formats = cls._xlsx_formats(workbook)
        sheet = workbook.add_worksheet((content.sheet or content.title)[:31])
        width = max(
            [len(b.columns) for b in content.blocks
                if isinstance(b, style.Table)] + [2])
        sheet.set_header(
            f'&L&"{style.BODY_FONT}"&10{_xlsx_escape(content.subtitle)}'
            f'&R&"{style.BODY_FONT}"&10{_xlsx_escape(content.number)}')
        sheet.set_footer(
            f'&C&"{style.BODY_FONT}"&10第 &P 页，共 &N 页')
        sheet.set_paper(9)  # A4
        if width > 6:
            sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        row = 0
        sheet.merge_range(row, 0, row, width - 1, content.title,
            formats['title'])
        sheet.set_row(row, 36)
        row += 1
        if content.number:
            sheet.merge_range(row, 0, row, width - 1, content.number,
                formats['number'])
            row += 1
        if content.subtitle:
            sheet.merge_range(row, 0, row, width - 1, content.subtitle,
                formats['number'])
            row += 1
        row += 1
        column_widths = {}
        for block in content.blocks:
            if isinstance(block, style.Heading):
                sheet.write(row, 0, block.text, formats['heading'])
                row += 2 if block.level == 1 else 1
            elif isinstance(block, style.Paragraph):
                sheet.merge_range(row, 0, row, width - 1, block.text,
                    formats['body'])
                # Wrapped over as many lines as it needs, a CJK character
                # taking two of the default column's 8.43 characters
                lines = math.ceil(2 * len(block.text) / (width * 10))
                if lines > 1:
                    sheet.set_row(row, 15 * lines)
                row += 1
            elif isinstance(block, style.KeyValues):
                for label, value in block.items:
                    sheet.write(row, 0, label, formats['header'])
                    sheet.merge_range(row, 1, row, width - 1,
                        str(value or ''), formats['cell'])
                    row += 1
                row += 1
            elif isinstance(block, style.Table):
                if block.title:
                    sheet.write(row, 0, block.title, formats['heading'])
                    row += 1
                for i, column in enumerate(block.columns):
                    sheet.write(row, i, column.label, formats['header'])
                    column_widths[i] = max(
                        column_widths.get(i, 0), column.width)
                sheet.repeat_rows(row)
                row += 1
                for values in block.rows + (
                        [block.totals] if block.totals else []):
                    for i, (column, value) in enumerate(
                            zip(block.columns, values)):
                        cls._xlsx_write(sheet, row, i, value, column.kind,
                            formats)
                    row += 1
                row += 1
            elif isinstance(block, style.Chart):
                # A native chart draws from cells: its data goes in a small
                # table of its own, the chart below
                sheet.write(row, 0, block.x_title or block.title,
                    formats['header'])
                for s, (name, _) in enumerate(block.series, 1):
                    sheet.write(row, s, name, formats['header'])
                top = row + 1
                for i, category in enumerate(block.categories):
                    sheet.write_string(top + i, 0, str(category),
                        formats['cell'])
                    for s, (_, values) in enumerate(block.series, 1):
                        sheet.write_number(top + i, s, values[i],
                            formats['integer'])
                bottom = top + len(block.categories) - 1
                column_widths[0] = max(column_widths.get(0, 0), 10)
                kind = {'column': 'column', 'bar': 'bar', 'line': 'line',
                    'pie': 'pie'}[block.kind]
                chart = workbook.add_chart({'type': kind})
                for s in range(1, len(block.series) + 1):
                    chart.add_series({
                            'name': [sheet.name, row, s],
                            'categories': [sheet.name, top, 0, bottom, 0],
                            'values': [sheet.name, top, s, bottom, s],
                            'data_labels': {'value': True},
                            'fill': {'color': style.CHART_COLOURS[
                                    (s - 1) % len(style.CHART_COLOURS)]},
                            })
                font = {'name': style.HEADING_FONT}
                chart.set_title({'name': block.title, 'name_font': font})
                if kind != 'pie':
                    chart.set_x_axis({'name': block.x_title,
                            'name_font': font, 'num_font': font})
                    chart.set_y_axis({'name': block.y_title,
                            'name_font': font, 'num_font': font,
                            'major_unit': 1 if max(
                                [max(v or [0]) for _, v in block.series]
                                + [0]) < 10 else None})
                if len(block.series) == 1:
                    chart.set_legend({'none': True})
                chart.set_size({'width': 640, 'height': 320})
                row = bottom + 2
                sheet.insert_chart(row, 0, chart)
                row += 17
        for i, column_width in column_widths.items():
            sheet.set_column(i, i, column_width)
        workbook.close()
        return output.getvalue()

    @classmethod
    def _xlsx_formats(cls, workbook):
        base = {'font_name': style.BODY_FONT, 'font_size': style.TABLE_SIZE,
            'valign': 'vcenter'}
        cell = dict(base, border=1)
        return {
            'title': workbook.add_format(dict(base,
                    font_name=style.TITLE_FONT, font_size=18, bold=False,
                    align='center')),
            'number': workbook.add_format(dict(base, align='center')),
            'heading': workbook.add_format(dict(base,
                    font_name=style.HEADING_FONT)),
            'body': workbook.add_format(dict(base, text_wrap=True)),
            'header': workbook.add_format(dict(cell,
                    font_name=style.HEADING_FONT, align='center',
                    bg_color=style.HEADER_FILL)),
            'cell': workbook.add_format(cell),
            'integer': workbook.add_format(dict(cell, num_format='#,##0')),
            'number2': workbook.add_format(dict(cell,
                    num_format='#,##0.00')),
            'percent': workbook.add_format(dict(cell, num_format='0.0%')),
            'date': workbook.add_format(dict(cell,
                    num_format='yyyy"年"m"月"d"日"', align='left')),
            }

    @classmethod
    def _xlsx_write(cls, sheet, row, column, value, kind, formats):
        if value is None:
            sheet.write_blank(row, column, None, formats['cell'])
        elif kind == 'date':
            sheet.write_datetime(row, column, value, formats['date'])
        elif kind in {'integer', 'number', 'percent'} and isinstance(
                value, (int, float)):
            sheet.write_number(row, column, value, formats[
                    {'number': 'number2'}.get(kind, kind)])
        else:
            sheet.write_string(row, column, str(value), formats['cell'])


def _xlsx_escape(text):
    "Header and footer text with its control character & doubled"
    return (text or '').replace('&', '&&')


class DocxReport(HouseStyleMixin, Report):
    "A report written as a DOCX document, with charts drawn as images"

    @classmethod
    def render(cls, report, report_context):
        content = cls.get_content(
            report_context['records'], report_context['data'])
        return cls.write_docx(content)

    @classmethod
    def convert(cls, report, data, **kwargs):
        return 'docx', data

    @classmethod
    def write_docx(cls, content):
        import docx
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        document = docx.Document()
        document.core_properties.title = content.title
        document.core_properties.subject = content.number
        normal = document.styles['Normal']
        _docx_font(normal, style.BODY_FONT, style.BODY_SIZE)
        section = document.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

        header = section.header.paragraphs[0]
        header.text = ''
        if content.subtitle:
            run = header.add_run(content.subtitle + '\t\t')
            _docx_run_font(run, style.BODY_FONT, style.SMALL_SIZE)
        run = header.add_run(content.number)
        _docx_run_font(run, style.BODY_FONT, style.SMALL_SIZE)
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT

        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for part in ['第 ', 'PAGE', ' 页，共 ', 'NUMPAGES', ' 页']:
            if part.isupper():
                _docx_field(footer, part)
            else:
                run = footer.add_run(part)
                _docx_run_font(run, style.BODY_FONT, style.SMALL_SIZE)

        title = document.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _docx_run_font(title.add_run(content.title), style.TITLE_FONT,
            style.TITLE_SIZE)
        if content.number:
            number = document.add_paragraph()
            number.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _docx_run_font(number.add_run(content.number), style.BODY_FONT,
                style.BODY_SIZE)

        for block in content.blocks:
            if isinstance(block, style.Heading):
                paragraph = document.add_paragraph()
                _docx_run_font(paragraph.add_run(block.text),
                    style.HEADING_FONT, style.BODY_SIZE)
            elif isinstance(block, style.Paragraph):
                paragraph = document.add_paragraph(block.text)
                if block.align == 'right':
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                else:
                    paragraph.paragraph_format.first_line_indent = Pt(
                        2 * style.BODY_SIZE)
            elif isinstance(block, style.KeyValues):
                table = document.add_table(rows=0, cols=2)
                table.style = 'Table Grid'
                for label, value in block.items:
                    cells = table.add_row().cells
                    _docx_cell(cells[0], label, style.HEADING_FONT)
                    _docx_cell(cells[1], str(value or ''), style.BODY_FONT)
                document.add_paragraph()
            elif isinstance(block, style.Table):
                if block.title:
                    paragraph = document.add_paragraph()
                    _docx_run_font(paragraph.add_run(block.title),
                        style.HEADING_FONT, style.BODY_SIZE)
                table = document.add_table(rows=1, cols=len(block.columns))
                table.style = 'Table Grid'
                table.autofit = False
                total = sum(c.width for c in block.columns)
                text_width = (section.page_width - section.left_margin
                    - section.right_margin)
                widths = [int(text_width * c.width / total)
                    for c in block.columns]
                for column, width in zip(table.columns, widths):
                    column.width = width
                for cell, width in zip(table.rows[0].cells, widths):
                    cell.width = width
                for cell, column in zip(table.rows[0].cells, block.columns):
                    _docx_cell(cell, column.label, style.HEADING_FONT,
                        align=WD_ALIGN_PARAGRAPH.CENTER)
                _docx_repeat_header(table.rows[0])
                for values in block.rows + (
                        [block.totals] if block.totals else []):
                    cells = table.add_row().cells
                    for cell, width in zip(cells, widths):
                        cell.width = width
                    for cell, column, value in zip(
                            cells, block.columns, values):
                        numeric = column.kind in {
                            'integer', 'number', 'percent'}
                        _docx_cell(cell,
                            cls.format_value(value, column.kind),
                            style.BODY_FONT,
                            align=WD_ALIGN_PARAGRAPH.RIGHT if numeric
                            else None)
                document.add_paragraph()
            elif isinstance(block, style.Chart):
                document.add_picture(
                    io.BytesIO(style.chart_image(block)), width=Cm(15))
                document.paragraphs[-1].alignment = (
                    WD_ALIGN_PARAGRAPH.CENTER)
        output = io.BytesIO()
        document.save(output)
        return output.getvalue()


def _docx_font(target, name, size):
    from docx.oxml.ns import qn
    from docx.shared import Pt
    target.font.name = name
    target.font.size = Pt(size)
    fonts = target.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn('w:eastAsia'), name)


def _docx_run_font(run, name, size):
    _docx_font(run, name, size)


def _docx_cell(cell, text, font, align=None):
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    _docx_run_font(run, font, style.TABLE_SIZE)
    if align is not None:
        paragraph.alignment = align


def _docx_repeat_header(row):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement('w:tblHeader')
    header.set(qn('w:val'), 'true')
    properties.append(header)


def _docx_field(paragraph, instruction):
    "A field (PAGE, NUMPAGES) that the word processor computes"
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    run = paragraph.add_run()
    _docx_run_font(run, style.BODY_FONT, style.SMALL_SIZE)
    for kind, text in [('begin', None), (None, instruction),
            ('separate', None), (None, '1'), ('end', None)]:
        if kind:
            element = OxmlElement('w:fldChar')
            element.set(qn('w:fldCharType'), kind)
        elif text == instruction:
            element = OxmlElement('w:instrText')
            element.set(qn('xml:space'), 'preserve')
            element.text = f' {instruction} '
        else:
            element = OxmlElement('w:t')
            element.text = text
        run._r.append(element)


class HouseStyle:
    "The helpers offered to Genshi templates as `house`"

    def __init__(self, report):
        self._report = report

    def css(self):
        return Markup(style.css())

    def chart(self, chart=None, **kwargs):
        """A chart as inline SVG, from a style.Chart or the keywords of
        one"""
        if chart is None:
            chart = style.Chart(**kwargs)
        return Markup(style.chart_svg(chart))

    def value(self, value, kind='text'):
        return self._report.format_value(value, kind)

    def kind(self, block):
        "The kind of a block of a style.Content: its class name"
        return type(block).__name__

    def widths(self, table):
        "The share of the page of each column of a style.Table, in %"
        total = sum(c.width for c in table.columns)
        return [f'{100 * c.width / total:.1f}%' for c in table.columns]

    def align(self, column):
        "The class of the cells of a column: numbers to the right"
        if column.kind in {'integer', 'number', 'percent'}:
            return 'number'
        return ''


class HtmlReport(HouseStyleMixin, Report):
    """A report from a Genshi HTML template, converted to PDF by Tryton
    with weasyprint; the template gets `house` (css, chart, value)"""

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['house'] = HouseStyle(cls)
        context['today'] = Pool().get('ir.date').today()
        context['language'] = Transaction().language
        return context


class PdfReport(HtmlReport):
    """A report of a style.Content as PDF: the shared template
    gd_documents/content.html lays it out, weasyprint prints it"""

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['content'] = cls.get_content(records, data)
        return context
