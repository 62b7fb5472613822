"""Small Historian data sets written for the importer tests, laid out as the Historian publishes.

Each entry is one file of a hand-made fixture tree (a few records per file, with the awkward
cases the tests name); `write_fixture_tree` writes them under a folder the tests import from.
The real data is never copied here: the full-data test reads it from ../shared.
"""

from pathlib import Path

FILES: dict[str, str] = {
    "gsh/data/countries-old/bangladesh.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>bangladesh</id>
    <iso2>bd</iso2>
    <region>eur</region>
    <label>Bangladesh</label>
    <country-modern-indicator>true</country-modern-indicator>
    <created-by>joewiz</created-by>
    <created-datetime>2010-04-22T09:59:47.34-05:00</created-datetime>
    <last-modified-by>joewiz</last-modified-by>
    <last-modified-datetime>2010-04-22T09:59:47.34-05:00</last-modified-datetime>
    <release-status-code>released</release-status-code>
    <released-by>wicentowskijc</released-by>
    <release-datetime>2011-08-30T08:44:34.811-05:00</release-datetime>
    <recalled-by/>
    <recall-datetime/>
</country>
""",
    "gsh/data/countries-old/burma.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>burma</id>
    <iso2>bu</iso2>
    <region>eur</region>
    <label>Burma</label>
    <country-modern-indicator>true</country-modern-indicator>
    <created-by>joewiz</created-by>
    <created-datetime>2010-04-22T09:59:47.34-05:00</created-datetime>
    <last-modified-by>joewiz</last-modified-by>
    <last-modified-datetime>2010-04-22T09:59:47.34-05:00</last-modified-datetime>
    <release-status-code>released</release-status-code>
    <released-by>wicentowskijc</released-by>
    <release-datetime>2011-08-30T08:44:34.811-05:00</release-datetime>
    <recalled-by/>
    <recall-datetime/>
</country>
""",
    "gsh/data/countries-old/cambodia.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>cambodia</id>
    <iso2>kh</iso2>
    <region>eur</region>
    <label>Cambodia</label>
    <country-modern-indicator>true</country-modern-indicator>
    <created-by>joewiz</created-by>
    <created-datetime>2010-04-22T09:59:47.34-05:00</created-datetime>
    <last-modified-by>joewiz</last-modified-by>
    <last-modified-datetime>2010-04-22T09:59:47.34-05:00</last-modified-datetime>
    <release-status-code>released</release-status-code>
    <released-by>wicentowskijc</released-by>
    <release-datetime>2011-08-30T08:44:34.811-05:00</release-datetime>
    <recalled-by/>
    <recall-datetime/>
</country>
""",
    "gsh/data/countries-old/canada.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>canada</id>
    <iso2>ca</iso2>
    <region>eur</region>
    <label>Canada</label>
    <country-modern-indicator>true</country-modern-indicator>
    <created-by>joewiz</created-by>
    <created-datetime>2010-04-22T09:59:47.34-05:00</created-datetime>
    <last-modified-by>joewiz</last-modified-by>
    <last-modified-datetime>2010-04-22T09:59:47.34-05:00</last-modified-datetime>
    <release-status-code>released</release-status-code>
    <released-by>wicentowskijc</released-by>
    <release-datetime>2011-08-30T08:44:34.811-05:00</release-datetime>
    <recalled-by/>
    <recall-datetime/>
</country>
""",
    "gsh/data/countries-old/cook-islands.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>cook-islands</id>
    <iso2>cw</iso2>
    <region>eur</region>
    <label>Cook Islands</label>
    <country-modern-indicator>true</country-modern-indicator>
    <created-by>joewiz</created-by>
    <created-datetime>2010-04-22T09:59:47.34-05:00</created-datetime>
    <last-modified-by>joewiz</last-modified-by>
    <last-modified-datetime>2010-04-22T09:59:47.34-05:00</last-modified-datetime>
    <release-status-code>released</release-status-code>
    <released-by>wicentowskijc</released-by>
    <release-datetime>2011-08-30T08:44:34.811-05:00</release-datetime>
    <recalled-by/>
    <recall-datetime/>
</country>
""",
    "gsh/data/countries-old/czechoslovakia.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>czechoslovakia</id>
    <iso2>xe</iso2>
    <region>eur</region>
    <label>Czechoslovakia</label>
    <country-modern-indicator>true</country-modern-indicator>
    <created-by>joewiz</created-by>
    <created-datetime>2010-04-22T09:59:47.34-05:00</created-datetime>
    <last-modified-by>joewiz</last-modified-by>
    <last-modified-datetime>2010-04-22T09:59:47.34-05:00</last-modified-datetime>
    <release-status-code>released</release-status-code>
    <released-by>wicentowskijc</released-by>
    <release-datetime>2011-08-30T08:44:34.811-05:00</release-datetime>
    <recalled-by/>
    <recall-datetime/>
</country>
""",
    "gsh/data/countries-old/estonia.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>estonia</id>
    <iso2>ew</iso2>
    <region>eur</region>
    <label>Estonia</label>
    <country-modern-indicator>true</country-modern-indicator>
    <created-by>joewiz</created-by>
    <created-datetime>2010-04-22T09:59:47.34-05:00</created-datetime>
    <last-modified-by>joewiz</last-modified-by>
    <last-modified-datetime>2010-04-22T09:59:47.34-05:00</last-modified-datetime>
    <release-status-code>released</release-status-code>
    <released-by>wicentowskijc</released-by>
    <release-datetime>2011-08-30T08:44:34.811-05:00</release-datetime>
    <recalled-by/>
    <recall-datetime/>
</country>
""",
    "gsh/data/countries-old/france.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>france</id>
    <iso2>fr</iso2>
    <region>eur</region>
    <label>France</label>
    <country-modern-indicator>true</country-modern-indicator>
    <created-by>joewiz</created-by>
    <created-datetime>2010-04-22T09:59:47.34-05:00</created-datetime>
    <last-modified-by>joewiz</last-modified-by>
    <last-modified-datetime>2010-04-22T09:59:47.34-05:00</last-modified-datetime>
    <release-status-code>released</release-status-code>
    <released-by>wicentowskijc</released-by>
    <release-datetime>2011-08-30T08:44:34.811-05:00</release-datetime>
    <recalled-by/>
    <recall-datetime/>
</country>
""",
    "gsh/data/countries-old/germany.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>germany</id>
    <iso2>de</iso2>
    <region>eur</region>
    <label>Germany</label>
    <country-modern-indicator>true</country-modern-indicator>
    <created-by>joewiz</created-by>
    <created-datetime>2010-04-22T09:59:47.34-05:00</created-datetime>
    <last-modified-by>joewiz</last-modified-by>
    <last-modified-datetime>2010-04-22T09:59:47.34-05:00</last-modified-datetime>
    <release-status-code>released</release-status-code>
    <released-by>wicentowskijc</released-by>
    <release-datetime>2011-08-30T08:44:34.811-05:00</release-datetime>
    <recalled-by/>
    <recall-datetime/>
</country>
""",
    "gsh/data/countries-old/hawaii.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>hawaii</id>
    <iso2>xl</iso2>
    <region>eur</region>
    <label>Hawaii</label>
    <country-modern-indicator>true</country-modern-indicator>
    <created-by>joewiz</created-by>
    <created-datetime>2010-04-22T09:59:47.34-05:00</created-datetime>
    <last-modified-by>joewiz</last-modified-by>
    <last-modified-datetime>2010-04-22T09:59:47.34-05:00</last-modified-datetime>
    <release-status-code>released</release-status-code>
    <released-by>wicentowskijc</released-by>
    <release-datetime>2011-08-30T08:44:34.811-05:00</release-datetime>
    <recalled-by/>
    <recall-datetime/>
</country>
""",
    "gsh/data/countries-old/iran.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>iran</id>
    <iso2>ir</iso2>
    <region>eur</region>
    <label>Iran</label>
    <country-modern-indicator>true</country-modern-indicator>
    <created-by>joewiz</created-by>
    <created-datetime>2010-04-22T09:59:47.34-05:00</created-datetime>
    <last-modified-by>joewiz</last-modified-by>
    <last-modified-datetime>2010-04-22T09:59:47.34-05:00</last-modified-datetime>
    <release-status-code>released</release-status-code>
    <released-by>wicentowskijc</released-by>
    <release-datetime>2011-08-30T08:44:34.811-05:00</release-datetime>
    <recalled-by/>
    <recall-datetime/>
</country>
""",
    "gsh/data/countries-old/iraq.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>iraq</id>
    <iso2>iq</iso2>
    <region>eur</region>
    <label>Iraq</label>
    <country-modern-indicator>true</country-modern-indicator>
</country>
""",
    "gsh/data/countries-old/israel.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>israel</id>
    <iso2>il</iso2>
    <region>eur</region>
    <label>Israel</label>
    <country-modern-indicator>true</country-modern-indicator>
    <created-by>joewiz</created-by>
    <created-datetime>2010-04-22T09:59:47.34-05:00</created-datetime>
    <last-modified-by>joewiz</last-modified-by>
    <last-modified-datetime>2010-04-22T09:59:47.34-05:00</last-modified-datetime>
    <release-status-code>released</release-status-code>
    <released-by>wicentowskijc</released-by>
    <release-datetime>2011-08-30T08:44:34.811-05:00</release-datetime>
    <recalled-by/>
    <recall-datetime/>
</country>
""",
    "gsh/data/countries-old/korea-south.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>korea-south</id>
    <iso2>kr</iso2>
    <region>eur</region>
    <label>Korea, South</label>
    <country-modern-indicator>true</country-modern-indicator>
    <created-by>joewiz</created-by>
    <created-datetime>2010-04-22T09:59:47.34-05:00</created-datetime>
    <last-modified-by>joewiz</last-modified-by>
    <last-modified-datetime>2010-04-22T09:59:47.34-05:00</last-modified-datetime>
    <release-status-code>released</release-status-code>
    <released-by>wicentowskijc</released-by>
    <release-datetime>2011-08-30T08:44:34.811-05:00</release-datetime>
    <recalled-by/>
    <recall-datetime/>
</country>
""",
    "gsh/data/countries-old/netherlands.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>netherlands</id>
    <iso2>nl</iso2>
    <region>eur</region>
    <label>Netherlands</label>
    <country-modern-indicator>true</country-modern-indicator>
    <created-by>joewiz</created-by>
    <created-datetime>2010-04-22T09:59:47.34-05:00</created-datetime>
    <last-modified-by>joewiz</last-modified-by>
    <last-modified-datetime>2010-04-22T09:59:47.34-05:00</last-modified-datetime>
    <release-status-code>released</release-status-code>
    <released-by>wicentowskijc</released-by>
    <release-datetime>2011-08-30T08:44:34.811-05:00</release-datetime>
    <recalled-by/>
    <recall-datetime/>
</country>
""",
    "gsh/data/countries-old/poland.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>poland</id>
    <iso2>pl</iso2>
    <region>eur</region>
    <label>Poland</label>
    <country-modern-indicator>true</country-modern-indicator>
    <created-by>joewiz</created-by>
    <created-datetime>2010-04-22T09:59:47.34-05:00</created-datetime>
    <last-modified-by>joewiz</last-modified-by>
    <last-modified-datetime>2010-04-22T09:59:47.34-05:00</last-modified-datetime>
    <release-status-code>released</release-status-code>
    <released-by>wicentowskijc</released-by>
    <release-datetime>2011-08-30T08:44:34.811-05:00</release-datetime>
    <recalled-by/>
    <recall-datetime/>
</country>
""",
    "gsh/data/countries-old/qatar.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>qatar</id>
    <iso2>qa</iso2>
    <region>eur</region>
    <label>Qatar</label>
    <country-modern-indicator>true</country-modern-indicator>
    <created-by>joewiz</created-by>
    <created-datetime>2010-04-22T09:59:47.34-05:00</created-datetime>
    <last-modified-by>joewiz</last-modified-by>
    <last-modified-datetime>2010-04-22T09:59:47.34-05:00</last-modified-datetime>
    <release-status-code>released</release-status-code>
    <released-by>wicentowskijc</released-by>
    <release-datetime>2011-08-30T08:44:34.811-05:00</release-datetime>
    <recalled-by/>
    <recall-datetime/>
</country>
""",
    "gsh/data/countries-old/russia.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>russia</id>
    <iso2>ru</iso2>
    <region>eur</region>
    <label>Russia</label>
    <country-modern-indicator>true</country-modern-indicator>
</country>
""",
    "gsh/data/countries-old/spain.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>spain</id>
    <iso2>es</iso2>
    <region>eur</region>
    <label>Spain</label>
    <country-modern-indicator>true</country-modern-indicator>
    <created-by>joewiz</created-by>
    <created-datetime>2010-04-22T09:59:47.34-05:00</created-datetime>
    <last-modified-by>joewiz</last-modified-by>
    <last-modified-datetime>2010-04-22T09:59:47.34-05:00</last-modified-datetime>
    <release-status-code>released</release-status-code>
    <released-by>wicentowskijc</released-by>
    <release-datetime>2011-08-30T08:44:34.811-05:00</release-datetime>
    <recalled-by/>
    <recall-datetime/>
</country>
""",
    "gsh/data/countries-old/united-kingdom.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>united-kingdom</id>
    <iso2>gb</iso2>
    <region>eur</region>
    <label>United Kingdom</label>
    <country-modern-indicator>true</country-modern-indicator>
    <created-by>joewiz</created-by>
    <created-datetime>2010-04-22T09:59:47.34-05:00</created-datetime>
    <last-modified-by>joewiz</last-modified-by>
    <last-modified-datetime>2010-04-22T09:59:47.34-05:00</last-modified-datetime>
    <release-status-code>released</release-status-code>
    <released-by>wicentowskijc</released-by>
    <release-datetime>2011-08-30T08:44:34.811-05:00</release-datetime>
    <recalled-by/>
    <recall-datetime/>
</country>
""",
    "gsh/data/countries-old/united-states.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<country>
    <id>united-states</id>
    <iso2>us</iso2>
    <region>eur</region>
    <label>United States</label>
    <country-modern-indicator>true</country-modern-indicator>
    <created-by>joewiz</created-by>
    <created-datetime>2010-04-22T09:59:47.34-05:00</created-datetime>
    <last-modified-by>joewiz</last-modified-by>
    <last-modified-datetime>2010-04-22T09:59:47.34-05:00</last-modified-datetime>
    <release-status-code>released</release-status-code>
    <released-by>wicentowskijc</released-by>
    <release-datetime>2011-08-30T08:44:34.811-05:00</release-datetime>
    <recalled-by/>
    <recall-datetime/>
</country>
""",
    "gsh/data/locales/bonn.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<locale>
    <id>bonn</id>
    <name>Bonn</name>
    <current-territory>germany</current-territory>
    <latitude>50.733333</latitude>
    <longitude>7.1</longitude>
    <predecessors/>
    <successors/>
    <alternate-names>
        <alternate-name>
            <label/>
            <notes/>
        </alternate-name>
    </alternate-names>
</locale>
""",
    "gsh/data/locales/jerusalem.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<locale>
    <id>jerusalem</id>
    <name>Jerusalem</name>
    <current-territory>israel</current-territory>
    <latitude>31.783333</latitude>
    <longitude>35.216667</longitude>
    <predecessors/>
    <successors/>
    <alternate-names>
        <alternate-name>
            <label/>
            <notes/>
        </alternate-name>
    </alternate-names>
</locale>
""",
    "gsh/data/locales/london_ca.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<locale>
    <id>london_ca</id>
    <name>London</name>
    <current-territory>canada</current-territory>
    <latitude>42.9837</latitude>
    <longitude>-81.2497</longitude>
    <predecessors/>
    <successors/>
    <alternate-names>
        <alternate-name>
            <label/>
            <notes/>
        </alternate-name>
    </alternate-names>
</locale>
""",
    "gsh/data/locales/london_uk.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<locale>
    <id>london_uk</id>
    <name>London</name>
    <current-territory>united-kingdom</current-territory>
    <latitude>51.507222</latitude>
    <longitude>-0.1275</longitude>
    <predecessors/>
    <successors/>
    <alternate-names>
        <alternate-name>
            <label/>
            <notes/>
        </alternate-name>
    </alternate-names>
</locale>
""",
    "gsh/data/locales/paris_fr.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<locale>
    <id>paris_fr</id>
    <name>Paris</name>
    <current-territory>france</current-territory>
    <latitude>48.8567</latitude>
    <longitude>2.3508</longitude>
    <predecessors/>
    <successors/>
    <alternate-names>
        <alternate-name>
            <label/>
            <notes/>
        </alternate-name>
    </alternate-names>
</locale>
""",
    "gsh/data/locales/rangoon.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<locale>
    <id>yangon</id>
    <name>Yangon</name>
    <current-territory>burma</current-territory>
    <latitude>16.8</latitude>
    <longitude>96.15</longitude>
    <predecessors/>
    <successors/>
    <alternate-names>
        <alternate-name>
            <label>Rangoon</label>
            <notes>Name until 1989</notes>
        </alternate-name>
    </alternate-names>
</locale>
""",
    "gsh/data/locales/seoul.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<locale>
    <id>seoul</id>
    <name>Seoul</name>
    <current-territory>korea-south</current-territory>
    <latitude>37.566667</latitude>
    <longitude>126.966667</longitude>
    <predecessors/>
    <successors/>
    <alternate-names>
        <alternate-name>
            <label/>
            <notes/>
        </alternate-name>
    </alternate-names>
</locale>
""",
    "gsh/data/locales/strasbourg.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<locale>
    <id>strasbourg</id>
    <name>Strasbourg</name>
    <current-territory>france</current-territory>
    <latitude>48.583333</latitude>
    <longitude>7.75</longitude>
    <predecessors/>
    <successors/>
    <alternate-names>
        <alternate-name>
            <label/>
            <notes/>
        </alternate-name>
    </alternate-names>
</locale>
""",
    "gsh/data/locales/tel-aviv.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<locale>
    <id>tel-aviv</id>
    <name>Tel Aviv</name>
    <current-territory>israel</current-territory>
    <latitude>32.066667</latitude>
    <longitude>34.783333</longitude>
    <predecessors/>
    <successors/>
    <alternate-names>
        <alternate-name>
            <label/>
            <notes/>
        </alternate-name>
    </alternate-names>
</locale>
""",
    "gsh/data/territories/estonia.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<territory>
    <id>estonia</id>
    <short-form-name>Estonia</short-form-name>
    <long-form-name>Republic of Estonia</long-form-name>
    <type-of-territory>independent-state</type-of-territory>
    <valid-since>1991</valid-since>
    <valid-until>9999</valid-until>
    <exists-on-todays-map>true</exists-on-todays-map>
    <predecessors/>
    <successors/>
    <notes/>
    <sources/>
</territory>
""",
    "gsh/data/territories/french-polynesia.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<territory>
    <id>french-polynesia</id>
    <short-form-name>French Polynesia</short-form-name>
    <long-form-name>Overseas Lands of French Polynesia</long-form-name>
    <type-of-territory>independent-state</type-of-territory>
    <valid-since>1991</valid-since>
    <valid-until>9999</valid-until>
    <exists-on-todays-map>true</exists-on-todays-map>
    <predecessors/>
    <successors/>
    <notes/>
    <sources/>
</territory>
""",
    "gsh/data/territories/soviet-union-1991.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<territory>
    <id>soviet-union-1991</id>
    <short-form-name>Soviet Union</short-form-name>
    <long-form-name>Union of Soviet Socialist Republics</long-form-name>
    <type-of-territory>independent-state</type-of-territory>
    <valid-since>1917</valid-since>
    <valid-until>1991</valid-until>
    <exists-on-todays-map>false</exists-on-todays-map>
    <predecessors/>
    <successors>
        <successor>russia</successor>
    </successors>
    <notes/>
    <sources/>
</territory>
""",
    "gsh/data/territories/united-kingdom.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<territory>
    <id>united-kingdom</id>
    <short-form-name>United Kingdom</short-form-name>
    <long-form-name>United Kingdom of Great Britain and Northern Ireland</long-form-name>
    <type-of-territory>independent-state</type-of-territory>
    <valid-since>1991</valid-since>
    <valid-until>9999</valid-until>
    <exists-on-todays-map>true</exists-on-todays-map>
    <predecessors/>
    <successors/>
    <notes/>
    <sources/>
</territory>
""",
    "travels/president-travels/obama-barack.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<trips>
    <trip role="president" who="obama-barack">
        <id>2961</id>
        <role>president</role>
        <name>Barack Obama</name>
        <start-date>2009-03-31</start-date>
        <end-date>2009-04-03</end-date>
        <country id="united-kingdom">United Kingdom</country>
        <locale>London</locale>
        <remarks>Met with Queen Elizabeth II and Prime Minister Brown. Attended the G-20 Economic
            Summit Meeting.</remarks>
        <created-by>wicentowskijc</created-by>
        <created-datetime>2010-10-19T13:56:12.253-04:00</created-datetime>
        <last-modified-by>wicentowskijc</last-modified-by>
        <last-modified-datetime>2010-10-19T13:56:12.253-04:00</last-modified-datetime>
    </trip>
    <trip role="president" who="obama-barack">
        <id>2962</id>
        <role>president</role>
        <name>Barack Obama</name>
        <start-date>2009-04-03</start-date>
        <end-date>2009-04-04</end-date>
        <country id="france">France</country>
        <locale>Strasbourg</locale>
        <remarks>Attended the NATO Summit Meeting.</remarks>
        <created-by>wicentowskijc</created-by>
        <created-datetime>2010-10-19T13:56:12.253-04:00</created-datetime>
        <last-modified-by>wicentowskijc</last-modified-by>
        <last-modified-datetime>2010-10-19T13:56:12.253-04:00</last-modified-datetime>
    </trip>
    <trip role="president" who="obama-barack">
        <id>2999</id>
        <role>president</role>
        <name>Barack Obama</name>
        <start-date>2012-11-19</start-date>
        <end-date>2012-11-19</end-date>
        <country id="burma">Burma</country>
        <locale>Rangoon</locale>
        <remarks>Met with President Thein Sein and opposition leader Aung San Suu Kyi.</remarks>
        <created-by>wicentowskijc</created-by>
        <created-datetime>2012-12-19T13:56:12.253-04:00</created-datetime>
        <last-modified-by>wicentowskijc</last-modified-by>
        <last-modified-datetime>2012-12-19T13:56:12.253-04:00</last-modified-datetime>
    </trip>
    <trip role="president" who="obama-barack">
        <id>3050</id>
        <role>president</role>
        <name>Barack Obama</name>
        <start-date>2016-05-24</start-date>
        <end-date>2016-05-24</end-date>
        <country id="cook-islands">Cook Islands</country>
        <locale>Avarua</locale>
        <remarks>Refuelling stop.</remarks>
        <created-by>wicentowskijc</created-by>
        <created-datetime>2016-12-19T13:56:12.253-04:00</created-datetime>
        <last-modified-by>wicentowskijc</last-modified-by>
        <last-modified-datetime>2016-12-19T13:56:12.253-04:00</last-modified-datetime>
    </trip>
</trips>
""",
    "travels/secretary-travels/kissinger-henry-a.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<trips>
    <trip role="secretary" who="kissinger-henry-a">
        <id>1500</id>
        <role>secretary</role>
        <name>Henry A. Kissinger</name>
        <start-date>1974-10-26</start-date>
        <end-date>1974-10-28</end-date>
        <country id="czechoslovakia">Czechoslovakia</country>
        <locale>Prague</locale>
        <remarks>Met with Foreign Minister Chnoupek.</remarks>
        <created-by>admin</created-by>
        <created-datetime>2010-10-19T13:56:12.253-04:00</created-datetime>
        <last-modified-by>admin</last-modified-by>
        <last-modified-datetime>2010-10-19T13:56:12.253-04:00</last-modified-datetime>
    </trip>
    <trip role="secretary" who="kissinger-henry-a">
        <id>1501</id>
        <role>secretary</role>
        <name>Henry A. Kissinger</name>
        <start-date>1975-03-07</start-date>
        <end-date>1975-03-09</end-date>
        <country id="israel">Israel</country>
        <locale>Tel Aviv, Jerusalem</locale>
        <remarks>Step-by-step negotiations on the Sinai.</remarks>
        <created-by>admin</created-by>
        <created-datetime>2010-10-19T13:56:12.253-04:00</created-datetime>
        <last-modified-by>admin</last-modified-by>
        <last-modified-datetime>2010-10-19T13:56:12.253-04:00</last-modified-datetime>
    </trip>
    <trip role="secretary" who="kissinger-henry-a">
        <id>1502</id>
        <role>secretary</role>
        <name>Henry A. Kissinger</name>
        <start-date>1976-09-20</start-date>
        <country id="french-polynesia">French Polynesia</country>
        <locale/>
        <created-by>admin</created-by>
        <created-datetime>2010-10-19T13:56:12.253-04:00</created-datetime>
        <last-modified-by>admin</last-modified-by>
        <last-modified-datetime>2010-10-19T13:56:12.253-04:00</last-modified-datetime>
    </trip>
    <trip role="secretary" who="kissinger-henry-a">
        <id>1503</id>
        <role>secretary</role>
        <name>Henry A. Kissinger</name>
        <start-date>1976-09-21</start-date>
        <end-date>1976-09-21</end-date>
        <country id="atlantis">Atlantis</country>
        <locale>Poseidonis</locale>
        <remarks>A country id no table knows.</remarks>
        <created-by>admin</created-by>
        <created-datetime>2010-10-19T13:56:12.253-04:00</created-datetime>
        <last-modified-by>admin</last-modified-by>
        <last-modified-datetime>2010-10-19T13:56:12.253-04:00</last-modified-datetime>
    </trip>
</trips>
""",
    # The Historian files the Soviet Union under `russia`, Russia's id, before its end and after.
    "travels/secretary-travels/shultz-george-pratt.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<trips>
    <trip role="secretary" who="shultz-george-pratt">
        <id>2001</id>
        <role>secretary</role>
        <name>George P. Shultz</name>
        <start-date>1985-11-04</start-date>
        <end-date>1985-11-05</end-date>
        <country id="russia">U.S.S.R.</country>
        <locale>Moscow</locale>
        <remarks>Met with General Secretary Gorbachev.</remarks>
    </trip>
    <trip role="secretary" who="shultz-george-pratt">
        <id>2002</id>
        <role>secretary</role>
        <name>George P. Shultz</name>
        <start-date>1992-01-27</start-date>
        <end-date>1992-01-29</end-date>
        <country id="russia">U.S.S.R.</country>
        <locale>Moscow</locale>
        <remarks>A trip labelled U.S.S.R. after its end.</remarks>
    </trip>
    <trip role="secretary" who="shultz-george-pratt">
        <id>2003</id>
        <role>secretary</role>
        <name>George P. Shultz</name>
        <start-date>1995-05-01</start-date>
        <end-date>1995-05-02</end-date>
        <country id="russia">Russia</country>
        <locale>Moscow</locale>
        <remarks>A trip to Russia.</remarks>
    </trip>
</trips>
""",
    "travels/secretary-travels/tillerson-rex-w.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<trips>
    <trip role="secretary" who="tillerson-rex-w">
        <id>3913</id>
        <role>secretary</role>
        <name>Rex W. Tillerson</name>
        <start-date>2017-02-15</start-date>
        <end-date>2017-02-17</end-date>
        <country id="germany">Germany</country>
        <locale>Bonn</locale>
        <remarks>Attended a G-20 Foreign Ministers’ Meeting.</remarks>
        <created-by>faithti</created-by>
        <created-datetime>2017-10-20T14:29:13.672-04:00</created-datetime>
        <last-modified-by>faithti</last-modified-by>
        <last-modified-datetime>2017-10-20T14:29:13.672-04:00</last-modified-datetime>
    </trip>
    <trip role="secretary" who="tillerson-rex-w">
        <id>3916</id>
        <role>secretary</role>
        <name>Rex W. Tillerson</name>
        <start-date>2017-03-17</start-date>
        <end-date>2017-03-18</end-date>
        <country id="korea-south">Korea, Republic of</country>
        <locale>Seoul</locale>
        <remarks>Met with Acting President Hwang Kyo-ahn and Foreign Minister Yun Byung-se. Visited
            the Demilitarized Zone.</remarks>
        <created-by>faithti</created-by>
        <created-datetime>2017-10-20T14:29:13.672-04:00</created-datetime>
        <last-modified-by>faithti</last-modified-by>
        <last-modified-datetime>2017-10-20T14:29:13.672-04:00</last-modified-datetime>
    </trip>
    <trip role="secretary" who="tillerson-rex-w">
        <id>3917</id>
        <role>secretary</role>
        <name>Rex Tillerson</name>
        <start-date>2017-05-10</start-date>
        <end-date>2017-05-11</end-date>
        <country id="estonia">Estonia</country>
        <locale>Tallinn</locale>
        <remarks>Attended a meeting of the Arctic Council.</remarks>
        <created-by>faithti</created-by>
        <created-datetime>2017-10-20T14:29:13.672-04:00</created-datetime>
        <last-modified-by>faithti</last-modified-by>
        <last-modified-datetime>2017-10-20T14:29:13.672-04:00</last-modified-datetime>
    </trip>
</trips>
""",
    "visits/data/1870.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<visits>
    <visit>
        <id>1</id>
        <start-date>1874-12-12</start-date>
        <end-date>1874-12-28</end-date>
        <visitor>King Kalakaua</visitor>
        <from id="hawaii">Hawaii</from>
        <description>State visit. Met with President Grant; first visit of a reigning monarch.</description>
        <created-by>admin</created-by>
        <created-datetime>2012-04-02T10:53:34.11-04:00</created-datetime>
        <last-modified-by>admin</last-modified-by>
        <last-modified-datetime>2012-04-02T10:53:34.11-04:00</last-modified-datetime>
    </visit>
</visits>
""",
    "visits/data/1980.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<visits>
    <visit>
        <id>1900</id>
        <start-date>1987-12-07</start-date>
        <end-date>1987-12-10</end-date>
        <visitor>General Secretary Mikhail S. Gorbachev</visitor>
        <from id="russia">U.S.S.R.</from>
        <description>Official working visit.</description>
    </visit>
</visits>
""",
    "visits/data/2010.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<visits>
    <visit>
        <id>2076</id>
        <start-date>2010-02-17</start-date>
        <end-date>2010-02-17</end-date>
        <visitor>King Juan Carlos I</visitor>
        <from id="spain">Spain</from>
        <description>Working visit.</description>
        <created-by>wicentowskijc</created-by>
        <created-datetime>2012-04-02T10:53:34.11-04:00</created-datetime>
        <last-modified-by>wicentowskijc</last-modified-by>
        <last-modified-datetime>2012-04-02T10:53:34.11-04:00</last-modified-datetime>
    </visit>
    <visit>
        <id>2090</id>
        <start-date>2010-07-06</start-date>
        <end-date>2010-07-06</end-date>
        <visitor>Prime Minister Benjamin Netanyahu</visitor>
        <from id="israel">Israel</from>
        <description>Official working visit. Discussed <em>direct</em> talks with the
            Palestinians.</description>
        <created-by>wicentowskijc</created-by>
        <created-datetime>2012-04-02T10:53:34.11-04:00</created-datetime>
        <last-modified-by>wicentowskijc</last-modified-by>
        <last-modified-datetime>2012-04-02T10:53:34.11-04:00</last-modified-datetime>
    </visit>
    <visit>
        <id>2200</id>
        <start-date>2011-05-20</start-date>
        <end-date>2011-05-20</end-date>
        <visitor>Prime Minister  Benjamin
            Netanyahu</visitor>
        <from id="israel">Israel</from>
        <description>Working visit.</description>
        <created-by>wicentowskijc</created-by>
        <created-datetime>2012-04-02T10:53:34.11-04:00</created-datetime>
        <last-modified-by>wicentowskijc</last-modified-by>
        <last-modified-datetime>2012-04-02T10:53:34.11-04:00</last-modified-datetime>
    </visit>
    <visit>
        <id>2201</id>
        <start-date>2011-06-01</start-date>
        <end-date>2011-06-02</end-date>
        <visitor>Amir Tamim bin Hamad al-Thani</visitor>
        <from id="qatar">Qatar</from>
        <description>Official visit.</description>
        <created-by>wicentowskijc</created-by>
        <created-datetime>2012-04-02T10:53:34.11-04:00</created-datetime>
        <last-modified-by>wicentowskijc</last-modified-by>
        <last-modified-datetime>2012-04-02T10:53:34.11-04:00</last-modified-datetime>
    </visit>
    <visit>
        <id>2202</id>
        <start-date>2014-02-25</start-date>
        <end-date>2014-02-25</end-date>
        <visitor>Amir Sheikh Tamim bin Hamad Al-Thani</visitor>
        <from id="qatar">Qatar</from>
        <description>Working visit.</description>
        <created-by>wicentowskijc</created-by>
        <created-datetime>2012-04-02T10:53:34.11-04:00</created-datetime>
        <last-modified-by>wicentowskijc</last-modified-by>
        <last-modified-datetime>2012-04-02T10:53:34.11-04:00</last-modified-datetime>
    </visit>
    <visit>
        <id>2203</id>
        <start-date>2014-03-01</start-date>
        <end-date>2014-03-02</end-date>
        <visitor>President of the Council of Ministers Hussain Mohammad Ershad</visitor>
        <from id="bangladesh">Bangladesh</from>
        <description>Official visit.</description>
        <created-by>wicentowskijc</created-by>
        <created-datetime>2012-04-02T10:53:34.11-04:00</created-datetime>
        <last-modified-by>wicentowskijc</last-modified-by>
        <last-modified-datetime>2012-04-02T10:53:34.11-04:00</last-modified-datetime>
    </visit>
    <visit>
        <id>2204</id>
        <start-date>2014-04-01</start-date>
        <end-date>2014-04-01</end-date>
        <visitor>Prime Minister Andreas A. M. van Agt</visitor>
        <from id="netherlands">Netherlands</from>
        <description>Private visit.</description>
        <created-by>wicentowskijc</created-by>
        <created-datetime>2012-04-02T10:53:34.11-04:00</created-datetime>
        <last-modified-by>wicentowskijc</last-modified-by>
        <last-modified-datetime>2012-04-02T10:53:34.11-04:00</last-modified-datetime>
    </visit>
    <visit>
        <id>2205</id>
        <start-date>2014-05-01</start-date>
        <end-date>2014-05-02</end-date>
        <visitor>President Andrzej Duda and Prime Minister Donald Tusk</visitor>
        <from id="poland">Poland</from>
        <description>Attended the dedication of a memorial.</description>
        <created-by>wicentowskijc</created-by>
        <created-datetime>2012-04-02T10:53:34.11-04:00</created-datetime>
        <last-modified-by>wicentowskijc</last-modified-by>
        <last-modified-datetime>2012-04-02T10:53:34.11-04:00</last-modified-datetime>
    </visit>
    <visit>
        <id>2206</id>
        <start-date>2014-06-01</start-date>
        <end-date>2014-06-01</end-date>
        <visitor>Premier &amp; Prince Sihanouk</visitor>
        <from id="cambodia">Cambodia</from>
        <description>State Visit.</description>
        <created-by>wicentowskijc</created-by>
        <created-datetime>2012-04-02T10:53:34.11-04:00</created-datetime>
        <last-modified-by>wicentowskijc</last-modified-by>
        <last-modified-datetime>2012-04-02T10:53:34.11-04:00</last-modified-datetime>
    </visit>
    <visit>
        <id>2207</id>
        <start-date>2014-07-01</start-date>
        <end-date>2014-07-01</end-date>
        <visitor/>
        <from id="iran">Iran</from>
        <created-by>wicentowskijc</created-by>
        <created-datetime>2012-04-02T10:53:34.11-04:00</created-datetime>
        <last-modified-by>wicentowskijc</last-modified-by>
        <last-modified-datetime>2012-04-02T10:53:34.11-04:00</last-modified-datetime>
    </visit>
    <visit>
        <id>2208</id>
        <start-date>2014-08-01</start-date>
        <end-date>2014-08-01</end-date>
        <visitor>President Charles de Gaulle</visitor>
        <from id="france">France</from>
        <description>Informal visit.</description>
        <created-by>wicentowskijc</created-by>
        <created-datetime>2012-04-02T10:53:34.11-04:00</created-datetime>
        <last-modified-by>wicentowskijc</last-modified-by>
        <last-modified-datetime>2012-04-02T10:53:34.11-04:00</last-modified-datetime>
    </visit>
    <visit>
        <id>2210</id>
        <start-date>2011-09-01</start-date>
        <end-date>2011-09-01</end-date>
        <visitor>Prime Minister Binyamin Netanyahu</visitor>
        <from id="israel">Israel</from>
        <description>Working visit.</description>
    </visit>
    <visit>
        <id>2211</id>
        <start-date>2011-10-01</start-date>
        <end-date>2011-10-01</end-date>
        <visitor>Prime Minister Nouri al-Maliki</visitor>
        <from id="iraq">Iraq</from>
        <description>Working visit.</description>
    </visit>
    <visit>
        <id>2212</id>
        <start-date>2012-10-01</start-date>
        <end-date>2012-10-01</end-date>
        <visitor>Prime Minister Nuri al-Maliki</visitor>
        <from id="iraq">Iraq</from>
        <description>Working visit.</description>
    </visit>
    <visit>
        <id>2209</id>
        <start-date>2019-03-07</start-date>
        <end-date>2019-03-07</end-date>
        <visitor>Prime Minister Andrej Babiš</visitor>
        <from id="czechia">Czechia</from>
        <description>Working visit.</description>
        <created-by>wicentowskijc</created-by>
        <created-datetime>2019-04-02T10:53:34.11-04:00</created-datetime>
        <last-modified-by>wicentowskijc</last-modified-by>
        <last-modified-datetime>2019-04-02T10:53:34.11-04:00</last-modified-datetime>
    </visit>
</visits>
""",
}

# The people database: records that tie spellings together, some that tie a name to more than
# one record, and one the importer never parses (it names no page of the travels or visits).
PEOPLE_FILES: dict[str, str] = {
    "people/data/100000/1/0/9/7/109729.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<person>
    <id>109729</id>
    <authorities>
        <authority service="viaf">114192441</authority>
    </authorities>
    <names>
        <preferred>
            <name>Netanyahu, Benjamin</name>
        </preferred>
        <alternates/>
        <originals variants="3">
            <original source-urls="1">
                <name>Prime Minister Benjamin Netanyahu</name>
                <source-url>https://history.state.gov/departmenthistory/visits/israel</source-url>
            </original>
            <original source-urls="1">
                <name>Prime Minister Benyamin Netanyahu</name>
                <source-url>https://history.state.gov/departmenthistory/visits/israel</source-url>
            </original>
            <original source-urls="1">
                <name>Prime Minister Binyamin Netanyahu</name>
                <source-url>https://history.state.gov/departmenthistory/visits/israel</source-url>
            </original>
        </originals>
    </names>
    <remarks variants="0"/>
</person>
""",
    "people/data/100000/1/0/0/3/100323.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<person>
    <id>100323</id>
    <authorities>
        <authority service="viaf"></authority>
    </authorities>
    <names>
        <preferred>
            <name>al-Maliki, Nouri</name>
        </preferred>
        <alternates/>
        <originals variants="2">
            <original source-urls="1">
                <name>Prime Minister Nouri al-Maliki</name>
                <source-url>https://history.state.gov/departmenthistory/visits/iraq</source-url>
            </original>
            <original source-urls="1">
                <name>Prime Minister Nuri al-Maliki</name>
                <source-url>https://history.state.gov/departmenthistory/visits/iraq</source-url>
            </original>
        </originals>
    </names>
    <remarks variants="0"/>
</person>
""",
    "people/data/100000/1/1/0/0/110001.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<person>
    <id>110001</id>
    <authorities>
        <authority service="viaf"></authority>
    </authorities>
    <names>
        <preferred>
            <name>Obama, Barack</name>
        </preferred>
        <alternates/>
        <originals variants="2">
            <original source-urls="1">
                <name>Barack Obama</name>
                <source-url>https://history.state.gov/cms/apps/presidents/data/presidents.xml#obama-barack</source-url>
            </original>
            <original source-urls="1">
                <name>Obama, Barack</name>
                <source-url>https://history.state.gov/historicaldocuments/frus2009-16v01/persons</source-url>
            </original>
        </originals>
    </names>
    <remarks variants="0"/>
</person>
""",
    "people/data/100000/1/2/0/0/120001.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<person>
    <id>120001</id>
    <authorities>
        <authority service="viaf"></authority>
    </authorities>
    <names>
        <preferred>
            <name>Kissinger, Henry A.</name>
        </preferred>
        <alternates/>
        <originals variants="1">
            <original source-urls="1">
                <name>Kissinger, Henry A.</name>
                <source-url>https://history.state.gov/departmenthistory/people/kissinger-henry-a</source-url>
            </original>
        </originals>
    </names>
    <remarks variants="0"/>
</person>
""",
    "people/data/100000/1/2/0/0/120002.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<person>
    <id>120002</id>
    <authorities>
        <authority service="viaf"></authority>
    </authorities>
    <names>
        <preferred>
            <name>Kissinger, Henry</name>
        </preferred>
        <alternates/>
        <originals variants="1">
            <original source-urls="1">
                <name>Henry Kissinger</name>
                <source-url>https://history.state.gov/departmenthistory/people/kissinger-henry-a</source-url>
            </original>
        </originals>
    </names>
    <remarks variants="0"/>
</person>
""",
    "people/data/100000/1/2/0/0/120003.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<person>
    <id>120003</id>
    <authorities>
        <authority service="viaf"></authority>
    </authorities>
    <names>
        <preferred>
            <name>Juan Carlos I</name>
        </preferred>
        <alternates/>
        <originals variants="1">
            <original source-urls="1">
                <name>King Juan Carlos I</name>
                <source-url>https://history.state.gov/departmenthistory/visits/spain</source-url>
            </original>
        </originals>
    </names>
    <remarks variants="0"/>
</person>
""",
    "people/data/100000/1/2/0/0/120004.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<person>
    <id>120004</id>
    <authorities>
        <authority service="viaf"></authority>
    </authorities>
    <names>
        <preferred>
            <name>Juan Carlos I, King of Spain</name>
        </preferred>
        <alternates/>
        <originals variants="1">
            <original source-urls="1">
                <name>King Juan Carlos I</name>
                <source-url>https://history.state.gov/departmenthistory/visits/spain</source-url>
            </original>
        </originals>
    </names>
    <remarks variants="0"/>
</person>
""",
    "people/data/100000/1/2/0/0/120005.xml": """\
<?xml version="1.0" encoding="UTF-8"?>
<person>
    <id>120005</id>
    <authorities>
        <authority service="viaf"></authority>
    </authorities>
    <names>
        <preferred>
            <name>Shultz, George P.</name>
        </preferred>
        <alternates/>
        <originals variants="1">
            <original source-urls="1">
                <name>Shultz, George P.</name>
                <source-url>https://history.state.gov/historicaldocuments/frus1981-88v06/persons</source-url>
            </original>
        </originals>
    </names>
    <remarks variants="0"/>
</person>
""",
}


def write_fixture_tree(root: Path, people: bool = False) -> Path:
    """Write every fixture file under `root` (with `people`, the people/ folder too)."""
    for relative, text in {**FILES, **(PEOPLE_FILES if people else {})}.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
