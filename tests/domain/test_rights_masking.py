"""Private numbers masked before a concern is shown publicly (RGT-7): phones, ID and
student numbers, e-mail addresses, full-width ones too; years, rooms and dates kept."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongxue.domain.rights import mask_private


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # mainland mobile numbers, bare and spaced or hyphenated
        ("联系我13812345678", "联系我***********"),
        ("电话 138 1234 5678 谢谢", "电话 *** **** **** 谢谢"),
        ("手机：139-1234-5678。", "手机：***-****-****。"),
        ("+86 15912345678", "+86 ***********"),
        # landlines with an area code
        ("后勤处 0931-8123456", "后勤处 ****-*******"),
        ("北京 010 12345678", "北京 *** ********"),
        ("(010)12345678", "(***)********"),
        # identity card numbers: 18 digits (X last) and 15
        ("身份证62010219990101123X", "身份证******************"),
        ("身份证620102199901011234", "身份证******************"),
        ("身份证62010219990101123x的", "身份证******************的"),
        ("旧证620102990101123", "旧证***************"),
        # any other run of at least 8 digits: student numbers, QQ numbers
        ("学号2021010123", "学号**********"),
        ("学号 20210101 张三", "学号 ******** 张三"),
        ("abc20210101xyz", "abc********xyz"),
        # e-mail addresses: the part before the @
        ("邮箱 zhang.san@lzu.edu.cn 谢谢", "邮箱 ***@lzu.edu.cn 谢谢"),
        ("1234567@qq.com", "***@qq.com"),
    ],
)
def test_each_kind_of_number_is_masked(text: str, masked: str) -> None:
    assert mask_private(text) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话１３８１２３４５６７８", "电话***********"),
        ("学号：２０２１０１０１２３", "学号：**********"),
        ("（０１０）１２３４５６７８", "（***）********"),
        ("ｚｈａｎｇ＠ｌｚｕ．ｅｄｕ．ｃｎ", "***＠ｌｚｕ．ｅｄｕ．ｃｎ"),
        ("身份证６２０１０２１９９９０１０１１２３Ｘ", "身份证******************"),
    ],
)
def test_full_width_numbers_are_masked_too(text: str, masked: str) -> None:
    assert mask_private(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "2026年的食堂",
        "3号楼502室没有热水",
        "10号楼 1203",
        "2026-05-12 下午3点",
        "学费 5000 元，住宿费 1200 元",
        "1234567",  # seven digits: not a number we mask
        "第12周",
        "",
        "没有任何数字",
    ],
)
def test_years_rooms_dates_and_short_numbers_are_kept(text: str) -> None:
    assert mask_private(text) == text


def test_masking_twice_changes_nothing() -> None:
    text = "电话13812345678，学号2021010123，邮箱a.b@x.com，身份证62010219990101123X"
    once = mask_private(text)
    assert mask_private(once) == once
    assert not re.search(r"\d", once)


#: Text made of digits (ASCII and full-width), separators, letters and Chinese.
pieces = st.text(
    alphabet=st.sampled_from(
        list("0123456789０１２３４５６７８９ -()@.xXab号楼电话学号（）＠")
    ),
    max_size=60,
)


@given(pieces)
def test_masking_is_idempotent(text: str) -> None:
    once = mask_private(text)
    assert mask_private(once) == once


@given(pieces)
def test_no_run_of_eight_digits_survives(text: str) -> None:
    folded = mask_private(text).translate({0xFF10 + d: ord("0") + d for d in range(10)})
    assert not re.search(r"[0-9]{8}", folded)


@given(st.text(alphabet=st.sampled_from(list("食堂宿舍热水 ，。abc")), max_size=40))
def test_text_without_digits_or_at_signs_is_unchanged(text: str) -> None:
    assert mask_private(text) == text
